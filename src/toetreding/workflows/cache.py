"""The machine cache: hands out the one shared machine of each protocol version."""

from __future__ import annotations

from threading import Lock

from toetreding.definition.model import ProtocolSpec
from toetreding.workflows.machine import ProtocolMachine


class MachineCache:
    """Builds each protocol version's machine on first use and keeps it."""

    def __init__(self) -> None:
        self._machines: dict[tuple[str, int], ProtocolMachine] = {}
        self._lock = Lock()

    def machine(self, spec: ProtocolSpec) -> ProtocolMachine:
        found = self._machines.get(spec.key)
        if found is not None and found.spec is spec:
            return found
        with self._lock:
            found = self._machines.get(spec.key)
            if found is None or found.spec is not spec:
                found = ProtocolMachine(spec)
                self._machines[spec.key] = found
            return found

    def __len__(self) -> int:
        return len(self._machines)
