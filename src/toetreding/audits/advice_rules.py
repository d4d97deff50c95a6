"""Advice rules managed in the app: a partnership's administrator publishes the next version
of its rules from text; an audit opens with its partnership's current rules and keeps them.

Published versions never change (``store/advice_rules.py``). A partnership sees the shipped
rules and its own; its own version of a shipped id (e.g. ``nvao-toetredingsadvies`` version
2) is what its audits use from then on, while other partnerships keep the shipped one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from toetreding._exceptions import DefinitionError, InvalidInputError, NotFoundError
from toetreding.advice import ADVICE_FOLDER, AdviceRulesSpec, load_advice_text
from toetreding.audits._base import DeskBase
from toetreding.definition.model import AuditSpec
from toetreding.formats import locate, yaml_files
from toetreding.store import AdviceRulesPublic, AdviceRulesStore, AuditPublic, CaseRecord


@dataclass(frozen=True)
class PublishedAdvice:
    """Rules as published: ``new`` is False when this exact version was already there."""

    spec: AdviceRulesSpec
    new: bool
    partnership_id: int


def rules_name(spec: AdviceRulesSpec) -> str:
    """How an advice names the rules it came from."""
    return f"adviesregels {spec.title} versie {spec.version}"


class AdviceRulesDesk(DeskBase):
    """Publishing advice rules per partnership, and the rules an audit reads."""

    advice_rules: AdviceRulesStore
    protocols_dir: Path  # the shipped rules are in its ``advice`` folder

    def may_manage_advice(self, person_ref: str | int, partnership_id: int) -> bool:
        """Whether the person may publish this partnership's advice rules."""
        return self.app.is_administrator(self.app.person_id(person_ref), partnership_id)

    def check_advice(
        self, text: str, partnership_id: int | None, filename: str = "adviesregels"
    ) -> AdviceRulesSpec:
        """Load rules text like a file, against the partnership's frameworks, with the
        version rule of publishing (so a check passes what publishing accepts); raises
        :class:`DefinitionError` with every problem by line."""
        spec = load_advice_text(
            text, filename, lambda fid: self.frameworks.get(partnership_id, fid)
        )
        if partnership_id is not None:
            known = [
                r.version for r in self.advice_rules.list(partnership_id) if r.rules_id == spec.id
            ]
            newest = max(known, default=0)
            # an existing version is the same text again, or a clash (ConflictError)
            if spec.version not in known and spec.version != newest + 1:
                what = f"de nieuwste is {newest}" if newest else "de regels zijn nieuw"
                message = f"moet {newest + 1} zijn ({what}); een versie verandert nooit meer"
                raise DefinitionError(locate(text, filename, [(("version",), message)]))
        return spec

    def publish_advice(
        self,
        text: str,
        *,
        partnership_ref: str | int,
        by: str | int,
        filename: str = "adviesregels",
        at: datetime | None = None,
    ) -> PublishedAdvice:
        """Check ``text`` and keep it as the next version of the partnership's rules.

        Refused, with nothing stored, for anyone but an administrator of the partnership
        (:class:`InvalidInputError`), for text with problems or a ``version`` that is not
        the newest + 1 (:class:`DefinitionError`, by line), and for an id and version that
        holds other content (:class:`ConflictError`).
        """
        partnership = self.app.partnership(partnership_ref)
        person_id = self.app.person_id(by)
        if not self.may_manage_advice(person_id, partnership.id):
            name = self.app.person(person_id).name
            raise InvalidInputError(
                f"{name} mag de adviesregels van {partnership.name} niet publiceren: dat mag "
                "alleen een beheerder"
            )
        spec = self.check_advice(text, partnership.id, filename)
        moment = self._moment(at)
        # a version that exists: the same text again (not new), or a clash (ConflictError)
        new = self.advice_rules.publish(partnership.id, spec, moment, text=text, by=person_id)
        return PublishedAdvice(spec, new, partnership.id)

    def advice_list(self, partnership_ref: str | int | None) -> list[AdviceRulesPublic]:
        """The shipped rules and, for a partnership, its own, by id and version."""
        return self.advice_rules.list(self.app.partnership_id(partnership_ref))

    def advice_spec(
        self, partnership_ref: str | int | None, rules_id: str, version: int | None = None
    ) -> AdviceRulesSpec:
        """Rules as a partnership sees them (the newest when no version)."""
        return self.advice_rules.get(self.app.partnership_id(partnership_ref), rules_id, version)

    def advice_text(
        self, partnership_ref: str | int | None, rules_id: str, version: int | None = None
    ) -> str:
        """The text of a version (the newest when None): as published, or the shipped file."""
        owner = self.app.partnership_id(partnership_ref)
        spec = self.advice_rules.get(owner, rules_id, version)
        text = self.advice_rules.text(owner, spec.id, spec.version)
        if text is not None:
            return text
        for path in yaml_files(self.protocols_dir / ADVICE_FOLDER):
            text = path.read_text(encoding="utf-8")
            if load_advice_text(text, path.name).key == spec.key:
                return text
        raise NotFoundError(f"van adviesregels '{spec.id}' versie {spec.version} is geen tekst")

    # --- what an audit reads ---------------------------------------------------------------

    def _pin_advice(
        self, case: CaseRecord, audit_spec: AuditSpec, moment: datetime
    ) -> tuple[str, int] | None:
        """The rules an audit opens with: the partnership's newest (shipped ones recorded,
        so the audit keeps exactly that text). None when the protocol names none, or names
        rules that are not there (the advice then says so when it is asked for)."""
        if audit_spec.advice is None:
            return None
        try:
            spec = self.advice_rules.get(case.partnership_id, audit_spec.advice)
        except NotFoundError:
            return None
        if not self.advice_rules.is_own(case.partnership_id, spec.id, spec.version):
            self.advice_rules.publish(None, spec, moment)
        return spec.key

    def _rules_of(
        self, audit: AuditPublic, case: CaseRecord, audit_spec: AuditSpec
    ) -> AdviceRulesSpec | None:
        """The rules the audit opened with; for an audit opened before rules were pinned,
        the partnership's newest."""
        if audit.advice_id is not None:
            return self.advice_rules.get(case.partnership_id, audit.advice_id, audit.advice_version)
        if audit_spec.advice is None:
            return None
        return self.advice_rules.get(case.partnership_id, audit_spec.advice)
