"""Quality frameworks as data: the file format, its cross-checks and the shipped frameworks."""

from toetreding.frameworks.checks import check_framework
from toetreding.frameworks.model import (
    CriterionSpec,
    DomainSpec,
    FieldSpec,
    FrameworkSpec,
    LevelSpec,
    criterion_number,
)
from toetreding.frameworks.registry import (
    FrameworkRegistry,
    load_framework_file,
    load_framework_text,
)

__all__ = [
    "CriterionSpec",
    "DomainSpec",
    "FieldSpec",
    "FrameworkRegistry",
    "FrameworkSpec",
    "LevelSpec",
    "check_framework",
    "criterion_number",
    "load_framework_file",
    "load_framework_text",
]
