"""A shipped version never changes: a database keeps the digest of every protocol, framework
and advice-rules version its cases and audits started on, and refuses a file whose content
changed under the same version ("verhoog 'version'"), so editing a shipped version in place
would stop every partnership that used it from opening new cases on that protocol.

The digests below are of the parsed definitions (comments and layout do not count). A change
in behaviour ships as a new version beside the old file; add its digest here."""

from __future__ import annotations

from toetreding.advice.registry import AdviceRegistry
from toetreding.definition.registry import ProtocolRegistry
from toetreding.frameworks.registry import FrameworkRegistry
from toetreding.store._common import definition_digest

from .conftest import PROTOCOLS

SHIPPED = {
    ("mbo-aansluiting", 1): "13ab0e3b322757ea60d8589d65279c4e4d415a18446848e6441f3bd2700ce733",
    ("mbo-aansluiting", 2): "2f7d91d862e2e3114a445931f38e50c5cd9171c66cc26f7f8fa5ae7ef6b7f9f7",
    ("mbo-aansluiting", 3): "bedacb233373201437b6bc27f5426069945dbc525ee59ee70ae237dec597552e",
    ("mbo-aansluiting", 4): "379f5108f89aaafd324d19ae86fe314382c274c93185f90648547ee155935806",
    ("partnerschap2", 2): "f21a3d5cad4b59719a55723621f61023c009a0f7a208f2523b3d8c795956e2d6",
    ("partnerschap2", 3): "9dd2a0e5afa027a66c9aa665b92402e24f9147cadb083605d55ce4a24080447e",
    ("pilot-aspirant", 2): "041d70d85ec941625e6a096f8ecf50498c611bcbac21303d52b0418bbc59e766",
    ("pilot-aspirant", 3): "880341c1e33b5dca70bd4a0cb8dd287eaebf9c1533d65bc455cefc7fa7d12b46",
    ("po-groningen", 3): "dc8e49cebe78c632eee1d7c0fdfa89cee864563b25a80a3ab655cc8874a909ef",
    # frameworks
    (
        "aspirant-ontwikkelplan",
        1,
    ): "4cb59de09c3a6cb8762118c9e59493f94b822c097e34626ec172264846d57fa8",
    ("basiskwaliteit-waarborgen", 1): (
        "0036146e27edb66553a60519a2e393b5cd55cfc86c08495f541d7db5dfdedca5"
    ),
    ("frosk-intakegesprek", 1): "96f818e75e075654f8e5d237b8a4e7fa7efcc03217201961ec95036c9bd67858",
    ("nvao-opleidingsschool-2009", 2): (
        "0445d9bd64921509788dd3de97e7132ec5d16babc6a6fcc40001abe6c6c99bd4"
    ),
    # advice rules
    (
        "nvao-toetredingsadvies",
        1,
    ): "a78b5b4826de8c5d2e10288a443dc6fff68efd1d0beba2f8b52cc990b05f58ad",
}


def test_no_shipped_version_changed_and_each_is_known() -> None:
    frameworks = FrameworkRegistry.from_directory(PROTOCOLS / "frameworks")
    specs = [
        *ProtocolRegistry.from_directory(PROTOCOLS).all(),
        *frameworks.all(),
        *AdviceRegistry.from_directory(PROTOCOLS / "advice", frameworks.get).all(),
    ]
    found = {(spec.id, spec.version): definition_digest(spec) for spec in specs}
    changed = sorted(key for key, digest in found.items() if SHIPPED.get(key, digest) != digest)
    assert changed == [], "shipped versions changed in place: ship a new version instead"
    assert sorted(found) == sorted(SHIPPED), "a version was added or removed: list its digest"
