"""Running cases that could move to a newer protocol version: an administrator's task.

Published versions are immutable, so a case that started on an older version keeps its rules
(e.g. mbo-aansluiting v3 without the guard on the waarborgen of v4) until it is moved. This
lists, per protocol and running version, the cases a newer version is ready to take: one
whose ``migration.from`` names that version. ``toetreding doctor`` and the overview show it
next to the calendar's tasks (:meth:`CalendarService.doctor`); the move itself is
:mod:`toetreding.service.version_moves`.
"""

from __future__ import annotations

from dataclasses import dataclass

from toetreding.definition import ProtocolSpec
from toetreding.service._base import ServiceBase
from toetreding.service.calendar import Finding
from toetreding.store import Visibility

MOVE_PAGE = "Protocolbeheer > Overzetten"  # where the move is planned and applied, in the menu


@dataclass(frozen=True)
class VersionTask(Finding):
    """Running cases on one version that a newer version is ready to take."""

    protocol_id: str
    from_version: int
    to_version: int
    count: int

    @property
    def page(self) -> str:
        """The move's plan on the web (it asks for a confirmation before anything moves)."""
        return (
            f"/protocolbeheer/{self.protocol_id}/overzetten?van={self.from_version}"
            f"&naar={self.to_version}"
        )


class VersionTaskService(ServiceBase):
    """Which running cases a newer protocol version is ready to take."""

    def version_tasks(self, visible: Visibility | None = None) -> list[VersionTask]:
        """One task per protocol and version with running cases (of those ``visible``;
        None: all) for which a newer version declares the move from that version; the
        newest such version is named. Empty: nothing waits for a move."""
        newer: dict[str, list[ProtocolSpec]] = {}
        for spec in self.protocols().all():
            newer.setdefault(spec.id, []).append(spec)
        tasks = []
        for protocol_id, version, count in self.store.running_per_version(visible):
            ready = [
                s
                for s in newer.get(protocol_id, [])
                if s.version > version and s.migration and s.migration.from_version == version
            ]
            if ready:
                target = max(ready, key=lambda s: s.version)
                tasks.append(_task(protocol_id, target, version, count))
        return tasks


def _task(protocol_id: str, target: ProtocolSpec, version: int, count: int) -> VersionTask:
    cases = "1 open dossier" if count == 1 else f"{count} open dossiers"
    command = (
        f"toetreding protocol migrate {protocol_id} --from {version} --to {target.version} "
        "--as WIE --dry-run"
    )
    return VersionTask(
        f"{cases} op versie {version} van {target.title}; versie {target.version} staat "
        f"klaar om over te zetten ({MOVE_PAGE})",
        f"bekijk het plan en zet ze over: menu {MOVE_PAGE}, of {command} (daarna zonder --dry-run)",
        protocol_id,
        version,
        target.version,
        count,
    )
