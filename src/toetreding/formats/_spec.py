"""The conventions every definition file format shares: the model base and the field types.

Protocols, quality frameworks, advice rules and cohort scripts are all written by people in
YAML; their models derive from :class:`Spec` so that all formats behave alike.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

# A name used as a key or reference in a file: lowercase, digits and '_'.
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
# The id of a whole file (a protocol, framework, rules set): '-' allowed as well.
ProtocolId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=60)]
# A text a person reads: surrounding spaces dropped, never empty.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Spec(BaseModel):
    """Base of the models of a file format: frozen, and an unknown key is an error (a typo
    must never be a silently ignored line); aliased fields also take their Python name."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @classmethod
    def retired_key(cls, key: str, value: Any) -> str | None:
        """What to write instead of ``key``, when it is a key this format no longer takes
        (added to the "unknown key" message); None for any other key."""
        return None
