"""Protocol versions published in the app: their text, kept unchanged.

A published version is never updated or deleted; a change is the next version. Two
administrators publishing the same number at once: the second insert fails on the key and
is refused, so nothing is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from toetreding._exceptions import ConflictError
from toetreding.store.tables import ProtocolUse, PublishedProtocol


@dataclass(frozen=True)
class PublishedRecord:
    """One published protocol version as written."""

    protocol_id: str
    version: int
    text: str
    digest: str
    published_at: datetime
    published_by: int | None
    partnership_id: int | None = None  # whose own protocol; None: shared by all


class PublishedProtocols:
    """The published versions over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, record: PublishedRecord) -> None:
        """Store a new version; refuse one whose id and version are taken."""
        row = PublishedProtocol(
            protocol_id=record.protocol_id,
            version=record.version,
            text=record.text,
            digest=record.digest,
            published_at=record.published_at,
            published_by=record.published_by,
            partnership_id=record.partnership_id,
        )
        try:
            with Session(self.engine) as session:
                session.add(row)
                session.commit()
        except IntegrityError:
            raise ConflictError(
                f"protocol '{record.protocol_id}' versie {record.version} is intussen al "
                "gepubliceerd; laad de nieuwste versie en probeer het opnieuw"
            ) from None

    def count(self) -> int:
        """How many versions are published: versions are only ever added, so a count that
        did not change means nothing changed."""
        query = select(func.count()).select_from(PublishedProtocol)
        with Session(self.engine) as session:
            return session.exec(query).one()

    def all(self) -> list[PublishedRecord]:
        """Every published version, by id and version."""
        query = select(PublishedProtocol).order_by(
            col(PublishedProtocol.protocol_id), col(PublishedProtocol.version)
        )
        with Session(self.engine) as session:
            return [
                PublishedRecord(
                    row.protocol_id,
                    row.version,
                    row.text,
                    row.digest,
                    row.published_at,
                    row.published_by,
                    row.partnership_id,
                )
                for row in session.exec(query)
            ]


class ProtocolUses:
    """Which shared protocols each partnership leaves out (the newest choice counts)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def choose(
        self, partnership_id: int, protocol_id: str, used: bool, by: int | None, at: datetime
    ) -> None:
        row = ProtocolUse(
            partnership_id=partnership_id,
            protocol_id=protocol_id,
            used=used,
            chosen_by=by,
            chosen_at=at,
        )
        with Session(self.engine) as session:
            session.add(row)
            session.commit()

    def count(self) -> int:
        """How many choices were ever made (they are only added): a cache's key."""
        with Session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(ProtocolUse)).one())

    def left_out(self, partnership_id: int | None = None) -> dict[int, set[str]]:
        """Per partnership the shared protocols it does not use (of one, or of all)."""
        query = select(ProtocolUse).order_by(col(ProtocolUse.id))
        if partnership_id is not None:
            query = query.where(ProtocolUse.partnership_id == partnership_id)
        newest: dict[tuple[int, str], bool] = {}
        with Session(self.engine) as session:
            for row in session.exec(query):
                newest[(row.partnership_id, row.protocol_id)] = row.used
        found: dict[int, set[str]] = {}
        for (partnership, protocol_id), used in newest.items():
            if not used:
                found.setdefault(partnership, set()).add(protocol_id)
        return found
