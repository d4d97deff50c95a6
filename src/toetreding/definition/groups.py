"""The labels of an audit's conversation groups (gespreksgroepen) for a case that may have
moved onto a newer protocol version since its interviews were held."""

from __future__ import annotations

from collections.abc import Iterable

from toetreding.definition.model import ProtocolSpec

# A group no version of the case's protocol names any more (never its identifier).
GROUP_NOT_NAMED = "een gespreksgroep die het protocol niet meer noemt"


class GroupLabels(dict[str, str]):
    """The current version's groups, name → label (iterated, offered in forms); looked up
    with ``[name]``, a group only an earlier version named has that version's label, and
    one none names the words :data:`GROUP_NOT_NAMED`, never its name."""

    def __init__(self, current: ProtocolSpec, earlier: Iterable[ProtocolSpec] = ()) -> None:
        super().__init__({g.name: g.label for g in current.audit.groups} if current.audit else {})
        self._earlier: dict[str, str] = {}
        for spec in earlier:  # the newest first: its label wins
            for group in spec.audit.groups if spec.audit else ():
                self._earlier.setdefault(group.name, group.label)

    def __missing__(self, name: str) -> str:
        return self._earlier.get(name, GROUP_NOT_NAMED)
