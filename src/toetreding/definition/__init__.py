"""Protocol definitions: the file format, its staged loader and the registry."""

from toetreding.definition.loader import load_protocol_file, load_protocol_text
from toetreding.definition.model import (
    ArtefactSpec,
    InputKind,
    InputSpec,
    ProtocolSpec,
    Sector,
    StateSpec,
    StepSpec,
    TransitionSpec,
)
from toetreding.definition.registry import ProtocolRegistry

__all__ = [
    "ArtefactSpec",
    "InputKind",
    "InputSpec",
    "ProtocolRegistry",
    "ProtocolSpec",
    "Sector",
    "StateSpec",
    "StepSpec",
    "TransitionSpec",
    "load_protocol_file",
    "load_protocol_text",
]
