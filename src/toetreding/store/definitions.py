"""Versioned definitions per partnership: the shape quality frameworks and advice rules share.

A definition (a pydantic spec with an ``id`` and a ``version``) is stored as JSON with a
digest of its content, per partnership; ``partnership_id`` NULL records a shipped version as
used (an audit keeps reading exactly that text, even when the shipped file changes). A
stored version is immutable: storing the same id and version again is a no-op when the
content is the same (the digest ignores comments and layout), and refused when it is not.
Lookups merge the shipped files, the shipped versions recorded as used and the partnership's
own, and take the newest version unless one is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Engine, Table, insert, or_, select
from sqlalchemy.exc import IntegrityError

from toetreding._exceptions import ConflictError, NotFoundError
from toetreding.store._common import PARTNERSHIPS, definition_digest

Key = tuple[str, int]


class Definition(Protocol):
    """What a stored definition offers: an id, a version and a title."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def key(self) -> Key: ...
    def model_dump(self, *, mode: str, by_alias: bool) -> dict[str, Any]: ...


S = TypeVar("S", bound=Definition)


@dataclass(frozen=True)
class Words:
    """How the Dutch messages name one kind of definition."""

    noun: str  # "kader", "adviesregels"
    is_: str  # "is", "zijn"
    stored: str  # "geladen", "gepubliceerd"
    shipped_owner: str  # "als meegeleverd kader"
    own_hint: str  # how to give an adapted copy its own key
    unknown: Callable[[str, int | None, Iterable[Key]], str]


@dataclass(frozen=True)
class Entry(Generic[S]):
    """One version as a lookup sees it."""

    spec: S
    digest: str
    partnership_id: int | None
    loaded_at: datetime | None  # None: a shipped file not recorded in the database
    text: str | None = None


class VersionedDefinitions(Generic[S]):
    """Definitions of one kind per partnership over one engine and table, falling back to
    the shipped ones. The table has ``partnership_id``, ``<id_column>``, ``version``,
    ``title``, ``digest``, ``definition`` (JSON) and ``loaded_at``."""

    def __init__(
        self,
        engine: Engine,
        table: Table,
        id_column: str,
        parse: Callable[[Any], S],
        shipped: Iterable[S],
        words: Words,
    ) -> None:
        self.engine = engine
        self._table = table
        self._id = table.c[id_column]
        self._parse = parse
        self._shipped = list(shipped)
        self._words = words
        # Parsed definitions by digest: a stored version never changes, so its JSON is
        # validated once per store rather than at every lookup.
        self._parsed: dict[str, S] = {}

    def store(self, partnership_id: int | None, spec: S, at: datetime, **extra: Any) -> bool:
        """Store ``spec`` for a partnership (None: record a shipped version as used), with
        ``extra`` columns. False when this exact definition was already stored; raises
        :class:`ConflictError` when the same id and version holds other content."""
        digest = _digest(spec)
        if partnership_id is not None:
            self._refuse_clash_with_shipped(spec, digest)
        stored = self._stored_digest(partnership_id, spec.key)
        if stored is None:
            stored = self._insert(partnership_id, spec, digest, at, extra)
            if stored is None:
                return True
        if stored != digest:
            w = self._words
            owner = "voor dit partnerschap" if partnership_id is not None else w.shipped_owner
            raise ConflictError(
                f"{w.noun} '{spec.id}' versie {spec.version} {w.is_} al {owner} {w.stored} "
                "met een andere inhoud; verhoog het versienummer ('version') in het bestand, "
                "zodat wat op de oude versie is beoordeeld die versie houdt"
            )
        return False

    def get(self, partnership_id: int | None, def_id: str, version: int | None = None) -> S:
        """The partnership's own definition or a shipped one; the newest when no version."""
        return self.entry(partnership_id, def_id, version).spec

    def entry(
        self, partnership_id: int | None, def_id: str, version: int | None = None
    ) -> Entry[S]:
        entries = self.entries(partnership_id)
        if version is None:
            version = max((v for did, v in entries if did == def_id), default=None)
        entry = entries.get((def_id, version)) if version is not None else None
        if entry is None:
            raise NotFoundError(self._words.unknown(def_id, version, entries))
        return entry

    def entries(self, partnership_id: int | None) -> dict[Key, Entry[S]]:
        """Shipped files, overridden by shipped versions recorded as used (what audits
        read), overridden by the partnership's own; by id and version."""
        entries: dict[Key, Entry[S]] = {
            spec.key: Entry(spec, _digest(spec), None, None) for spec in self._shipped
        }
        owner = self._table.c.partnership_id
        mine: ColumnElement[bool] = owner.is_(None)
        if partnership_id is not None:
            mine = or_(owner.is_(None), owner == partnership_id)
        with self.engine.connect() as connection:
            rows = list(connection.execute(select(self._table).where(mine)).mappings())
        for row in sorted(rows, key=lambda r: r["partnership_id"] is not None):
            spec = self._parsed.get(row["digest"])
            if spec is None:
                spec = self._parsed.setdefault(row["digest"], self._parse(row["definition"]))
            entries[spec.key] = Entry(
                spec, row["digest"], row["partnership_id"], row["loaded_at"], row.get("text")
            )
        return entries

    # --- helpers -------------------------------------------------------------------------

    def _refuse_clash_with_shipped(self, spec: S, digest: str) -> None:
        shipped = self.entries(None).get(spec.key)
        if shipped is not None and shipped.digest != digest:
            w = self._words
            raise ConflictError(
                f"{w.noun} '{spec.id}' versie {spec.version} wordt al meegeleverd met een "
                f"andere inhoud; {w.own_hint}"
            )

    def _stored_digest(self, partnership_id: int | None, key: Key) -> str | None:
        owner = self._table.c.partnership_id
        query = select(self._table.c.digest).where(
            owner.is_(None) if partnership_id is None else owner == partnership_id,
            self._id == key[0],
            self._table.c.version == key[1],
        )
        with self.engine.connect() as connection:
            found: str | None = connection.execute(query).scalar()
            return found

    def _insert(
        self,
        partnership_id: int | None,
        spec: S,
        digest: str,
        at: datetime,
        extra: dict[str, Any],
    ) -> str | None:
        """Insert; None when stored, else the digest of a row another request stored first."""
        values = {
            "partnership_id": partnership_id,
            self._id.name: spec.id,
            "version": spec.version,
            "title": spec.title,
            "digest": digest,
            "definition": spec.model_dump(mode="json", by_alias=True),
            "loaded_at": at,
            **extra,
        }
        try:
            with self.engine.begin() as connection:
                if partnership_id is not None:
                    exists = select(PARTNERSHIPS.c.id).where(PARTNERSHIPS.c.id == partnership_id)
                    if connection.execute(exists).first() is None:
                        raise NotFoundError(f"partnerschap {partnership_id} bestaat niet")
                connection.execute(insert(self._table).values(values))
        except IntegrityError:
            winner = self._stored_digest(partnership_id, spec.key)
            if winner is None:
                raise
            return winner
        return None


def _digest(spec: Definition) -> str:
    return definition_digest(cast(BaseModel, spec))
