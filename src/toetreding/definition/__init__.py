"""Protocol definitions: the protocol file format, its cross-checks, loading a protocol file
(through :mod:`toetreding.formats`) and the registry of every version."""

from toetreding.definition.cache import SpecCache
from toetreding.definition.groups import GROUP_NOT_NAMED, GroupLabels
from toetreding.definition.loader import load_protocol_file, load_protocol_text
from toetreding.definition.migration import earlier_problems, name_after_move
from toetreding.definition.model import (
    ArtefactSpec,
    InputKind,
    InputSpec,
    MigrationSpec,
    ProtocolSpec,
    Sector,
    StateSpec,
    StepSpec,
    TransitionSpec,
)
from toetreding.definition.registry import ProtocolRegistry
from toetreding.definition.sentences import (
    guard_sentence,
    input_words,
    kind_word,
    outcome_label,
)

__all__ = [
    "GROUP_NOT_NAMED",
    "ArtefactSpec",
    "GroupLabels",
    "InputKind",
    "InputSpec",
    "MigrationSpec",
    "ProtocolRegistry",
    "ProtocolSpec",
    "Sector",
    "SpecCache",
    "StateSpec",
    "StepSpec",
    "TransitionSpec",
    "earlier_problems",
    "guard_sentence",
    "input_words",
    "kind_word",
    "load_protocol_file",
    "load_protocol_text",
    "name_after_move",
    "outcome_label",
]
