"""Loading a protocol file: the shared staged loader (:mod:`toetreding.formats`) with the
protocol's model and cross-checks."""

from __future__ import annotations

from pathlib import Path

from toetreding.definition.checks import check_protocol
from toetreding.definition.model import ProtocolSpec
from toetreding.formats import load_document, load_document_file


def load_protocol_file(path: str | Path) -> ProtocolSpec:
    """Read and validate one protocol file; raises :class:`DefinitionError`."""
    return load_document_file(path, ProtocolSpec, check_protocol)


def load_protocol_text(text: str, filename: str = "<tekst>") -> ProtocolSpec:
    """Validate protocol YAML given as text; ``filename`` is used in error messages."""
    return load_document(text, filename, ProtocolSpec, check_protocol)
