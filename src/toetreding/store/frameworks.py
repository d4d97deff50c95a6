"""Quality frameworks in the database: those a partnership loaded, next to the shipped ones.

A framework version is immutable once loaded, like a protocol version: audits scored against
it must keep reading exactly that text. Loading the same id and version again is a no-op when
the content is the same (the digest ignores comments and layout), and refused when it is not.
The bookkeeping is shared with advice rules (``store/definitions.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from toetreding.frameworks import FrameworkRegistry, FrameworkSpec
from toetreding.frameworks.registry import unknown_framework
from toetreding.store._common import core_table
from toetreding.store.definitions import Entry, VersionedDefinitions, Words
from toetreding.store.tables import Framework, FrameworkPublic

FRAMEWORKS = core_table(Framework)

FRAMEWORK_WORDS = Words(
    noun="kader",
    is_="is",
    stored="geladen",
    shipped_owner="als meegeleverd kader",
    own_hint="geef het eigen kader een eigen 'id' of verhoog het versienummer ('version')",
    unknown=unknown_framework,
)


def _public(entry: Entry[FrameworkSpec]) -> FrameworkPublic:
    spec = entry.spec
    return FrameworkPublic(
        framework_id=spec.id,
        version=spec.version,
        title=spec.title,
        digest=entry.digest,
        partnership_id=entry.partnership_id,
        loaded_at=entry.loaded_at,
        scored=spec.scored,
        domains=len(spec.domains),
        criteria=len(spec.criteria()),
    )


class FrameworkStore:
    """Frameworks per partnership over one engine, falling back to the shipped ones."""

    def __init__(self, engine: Engine, shipped: FrameworkRegistry | None = None) -> None:
        self.engine = engine
        self.shipped = shipped or FrameworkRegistry()
        self._versions = VersionedDefinitions(
            engine,
            FRAMEWORKS,
            "framework_id",
            FrameworkSpec.model_validate,
            self.shipped.all(),
            FRAMEWORK_WORDS,
        )

    def load(self, partnership_id: int | None, spec: FrameworkSpec, at: datetime) -> bool:
        """Store ``spec`` for a partnership (None: record a shipped framework as used).

        Returns False when this exact definition was already stored; raises
        :class:`ConflictError` when the same id and version was stored with other content.
        """
        return self._versions.store(partnership_id, spec, at)

    def get(
        self, partnership_id: int | None, framework_id: str, version: int | None = None
    ) -> FrameworkSpec:
        """The partnership's own framework or a shipped one; the newest when no version."""
        return self._versions.get(partnership_id, framework_id, version)

    def list(self, partnership_id: int | None) -> list[FrameworkPublic]:
        """The shipped frameworks and the partnership's own ones, by id and version."""
        entries = self._versions.entries(partnership_id)
        return [_public(entries[key]) for key in sorted(entries)]
