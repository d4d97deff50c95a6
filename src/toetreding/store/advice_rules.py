"""Advice rules in the database: those a partnership published, next to the shipped ones.

A published version never changes (audits keep reading the version they opened with); the
same id and version with other content is refused, the same content again changes nothing.
The bookkeeping is the frameworks' (``store/definitions.py``); here the rules keep the text
as written too, so an administrator can edit it into the next version.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine

from toetreding.advice import AdviceRulesSpec
from toetreding.formats import known_codes
from toetreding.store._common import core_table
from toetreding.store.definitions import Entry, Key, VersionedDefinitions, Words
from toetreding.store.tables import AdviceRules, AdviceRulesPublic

ADVICE_RULES = core_table(AdviceRules)


def unknown_rules(rules_id: str, version: int | None, known: Iterable[Key]) -> str:
    """The Dutch message for rules that are not there, naming those that are."""
    names = known_codes(known)
    what = f"'{rules_id}'" + (f" versie {version}" if version is not None else "")
    return f"adviesregels {what} zijn onbekend; bekend zijn: {names}"


ADVICE_WORDS = Words(
    noun="adviesregels",
    is_="zijn",
    stored="gepubliceerd",
    shipped_owner="als meegeleverde regels",
    own_hint="geef de eigen regels een eigen 'id' of verhoog het versienummer ('version')",
    unknown=unknown_rules,
)


def _public(entry: Entry[AdviceRulesSpec]) -> AdviceRulesPublic:
    spec = entry.spec
    return AdviceRulesPublic(
        rules_id=spec.id,
        version=spec.version,
        title=spec.title,
        digest=entry.digest,
        partnership_id=entry.partnership_id,
        loaded_at=entry.loaded_at,
        framework_id=spec.framework,
        outcomes=[o.outcome for o in spec.outcomes],
    )


class AdviceRulesStore:
    """Advice rules per partnership over one engine, falling back to the shipped ones."""

    def __init__(self, engine: Engine, shipped: Iterable[AdviceRulesSpec] = ()) -> None:
        self._versions = VersionedDefinitions(
            engine,
            ADVICE_RULES,
            "rules_id",
            AdviceRulesSpec.model_validate,
            shipped,
            ADVICE_WORDS,
        )

    def publish(
        self,
        partnership_id: int | None,
        spec: AdviceRulesSpec,
        at: datetime,
        *,
        text: str | None = None,
        by: int | None = None,
    ) -> bool:
        """Store ``spec`` for a partnership (None: record shipped rules as used); False when
        this exact version was already there. Raises :class:`ConflictError` on a clash."""
        return self._versions.store(partnership_id, spec, at, text=text, loaded_by=by)

    def get(
        self, partnership_id: int | None, rules_id: str, version: int | None = None
    ) -> AdviceRulesSpec:
        """The partnership's own rules or shipped ones; the newest when no version."""
        return self._versions.get(partnership_id, rules_id, version)

    def is_own(self, partnership_id: int, rules_id: str, version: int) -> bool:
        """Whether this version is the partnership's own (not shipped)."""
        entry = self._versions.entry(partnership_id, rules_id, version)
        return entry.partnership_id is not None

    def text(
        self, partnership_id: int | None, rules_id: str, version: int | None = None
    ) -> str | None:
        """The text as published, when it was published in the app."""
        return self._versions.entry(partnership_id, rules_id, version).text

    def list(self, partnership_id: int | None) -> list[AdviceRulesPublic]:
        """The shipped rules and the partnership's own, by id and version."""
        entries = self._versions.entries(partnership_id)
        return [_public(entries[key]) for key in sorted(entries)]
