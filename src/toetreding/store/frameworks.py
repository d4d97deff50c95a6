"""Quality frameworks in the database: those a partnership loaded, next to the shipped ones.

A framework version is immutable once loaded, like a protocol version: audits scored against
it must keep reading exactly that text. Loading the same id and version again is a no-op when
the content is the same (the digest ignores comments and layout), and refused when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from toetreding._exceptions import ConflictError, NotFoundError
from toetreding.frameworks import FrameworkRegistry, FrameworkSpec
from toetreding.frameworks.registry import unknown_framework
from toetreding.store._common import definition_digest
from toetreding.store.tables import Framework, FrameworkPublic, Partnership

Key = tuple[str, int]


@dataclass(frozen=True)
class _Entry:
    spec: FrameworkSpec
    digest: str
    partnership_id: int | None
    loaded_at: datetime | None  # None: a shipped file not recorded in the database

    def public(self) -> FrameworkPublic:
        return FrameworkPublic(
            framework_id=self.spec.id,
            version=self.spec.version,
            title=self.spec.title,
            digest=self.digest,
            partnership_id=self.partnership_id,
            loaded_at=self.loaded_at,
            scored=self.spec.scored,
            domains=len(self.spec.domains),
            criteria=len(self.spec.criteria()),
        )


class FrameworkStore:
    """Frameworks per partnership over one engine, falling back to the shipped ones."""

    def __init__(self, engine: Engine, shipped: FrameworkRegistry | None = None) -> None:
        self.engine = engine
        self.shipped = shipped or FrameworkRegistry()

    def load(self, partnership_id: int | None, spec: FrameworkSpec, at: datetime) -> bool:
        """Store ``spec`` for a partnership (None: record a shipped framework as used).

        Returns False when this exact definition was already stored; raises
        :class:`ConflictError` when the same id and version was stored with other content.
        """
        digest = definition_digest(spec)
        if partnership_id is not None:
            self._refuse_clash_with_shipped(spec, digest)
        stored = self._stored_digest(partnership_id, spec.key)
        if stored is None:
            stored = self._insert(partnership_id, spec, digest, at)
            if stored is None:
                return True
        if stored != digest:
            owner = (
                "voor dit partnerschap" if partnership_id is not None else "als meegeleverd kader"
            )
            raise ConflictError(
                f"kader '{spec.id}' versie {spec.version} is al {owner} geladen met een andere "
                "inhoud; verhoog het versienummer ('version') in het bestand, zodat wat op de "
                "oude versie is beoordeeld die versie houdt"
            )
        return False

    def get(
        self, partnership_id: int | None, framework_id: str, version: int | None = None
    ) -> FrameworkSpec:
        """The partnership's own framework or a shipped one; the newest when no version."""
        entries = self._entries(partnership_id)
        if version is None:
            version = max((v for fid, v in entries if fid == framework_id), default=None)
        entry = entries.get((framework_id, version)) if version is not None else None
        if entry is None:
            raise NotFoundError(unknown_framework(framework_id, version, entries))
        return entry.spec

    def list(self, partnership_id: int | None) -> list[FrameworkPublic]:
        """The shipped frameworks and the partnership's own ones, by id and version."""
        entries = self._entries(partnership_id)
        return [entries[key].public() for key in sorted(entries)]

    # --- helpers -------------------------------------------------------------------------

    def _entries(self, partnership_id: int | None) -> dict[Key, _Entry]:
        """Shipped files, overridden by shipped versions recorded as used (what audits were
        scored against), overridden by the partnership's own."""
        entries = {
            spec.key: _Entry(spec, definition_digest(spec), None, None)
            for spec in self.shipped.all()
        }
        query = select(Framework).where(col(Framework.partnership_id).is_(None))
        if partnership_id is not None:
            query = select(Framework).where(
                or_(
                    col(Framework.partnership_id).is_(None),
                    col(Framework.partnership_id) == partnership_id,
                )
            )
        with Session(self.engine) as session:
            rows = sorted(session.exec(query), key=lambda row: row.partnership_id is not None)
        for row in rows:
            spec = FrameworkSpec.model_validate(row.definition)
            entries[spec.key] = _Entry(spec, row.digest, row.partnership_id, row.loaded_at)
        return entries

    def _refuse_clash_with_shipped(self, spec: FrameworkSpec, digest: str) -> None:
        shipped = self._entries(None).get(spec.key)
        if shipped is not None and shipped.digest != digest:
            raise ConflictError(
                f"kader '{spec.id}' versie {spec.version} wordt al meegeleverd met een andere "
                "inhoud; geef het eigen kader een eigen 'id' of verhoog het versienummer "
                "('version')"
            )

    def _stored_digest(self, partnership_id: int | None, key: Key) -> str | None:
        owner = (
            col(Framework.partnership_id).is_(None)
            if partnership_id is None
            else col(Framework.partnership_id) == partnership_id
        )
        query = select(Framework.digest).where(
            owner, Framework.framework_id == key[0], Framework.version == key[1]
        )
        with Session(self.engine) as session:
            return session.exec(query).first()

    def _insert(
        self, partnership_id: int | None, spec: FrameworkSpec, digest: str, at: datetime
    ) -> str | None:
        """Insert; None when stored, else the digest of a row another request stored first."""
        row = Framework(
            partnership_id=partnership_id,
            framework_id=spec.id,
            version=spec.version,
            title=spec.title,
            digest=digest,
            definition=spec.model_dump(mode="json", by_alias=True),
            loaded_at=at,
        )
        with Session(self.engine) as session:
            if partnership_id is not None and session.get(Partnership, partnership_id) is None:
                raise NotFoundError(f"partnerschap {partnership_id} bestaat niet")
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                winner = self._stored_digest(partnership_id, spec.key)
                if winner is None:
                    raise
                return winner
        return None
