"""Schools, boards and people from a spreadsheet: a dry run that says what would be added or
changed and which rows are refused (with their row number and why), and the import itself,
all rows or none, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.roles import ADMIN_ROLE
from toetreding.service.directory import DirectoryService
from toetreding.service.import_rows import (
    ImportKind,
    Known,
    PlannedLine,
    RefusedRow,
    check_rows,
)
from toetreding.sheets import read_sheet
from toetreding.store import DirectoryBatch, PartnershipPublic

# Who may import into a partnership besides an administrator (``is_administrator``).
IMPORT_ROLE = "coordinator"


@dataclass(frozen=True)
class ImportPlan:
    """What importing the file would do; ``refused`` non-empty: it would do nothing."""

    kind: ImportKind
    partnership: PartnershipPublic
    lines: list[PlannedLine]
    refused: list[RefusedRow]
    unchanged: int
    batch: DirectoryBatch

    @property
    def acceptable(self) -> bool:
        return not self.refused

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.action == "toevoegen")

    @property
    def changed(self) -> int:
        return sum(1 for line in self.lines if line.action == "wijzigen")


class ImportService(DirectoryService):
    """Spreadsheet imports (``toetreding import``, the import page)."""

    def plan_import(
        self, kind: ImportKind, data: bytes, partnership_ref: str | int, by_ref: str | int
    ) -> ImportPlan:
        """The dry run: nothing is written."""
        partnership = self.store.partnership(partnership_ref)
        person_id = self._may_import(by_ref, partnership)
        sheet = read_sheet(data)
        people = self.store.people(partnership.id)
        # People without a role here are still known (an e-mail address is unique overall).
        everyone = {p.email: (p, ms) for p, ms in people}
        for person, _ in self.store.people(None):
            everyone.setdefault(person.email, (person, []))
        roles = self.known_roles()
        # only an administrator hands out the administrator's role (a coordinator may not)
        withheld: dict[str, str] = {}
        if not self.is_administrator(person_id, partnership.id):
            withheld = {ADMIN_ROLE: roles.pop(ADMIN_ROLE)}
        known = Known(
            schools=self.store.schools(partnership.id),
            people=list(everyone.values()),
            roles=roles,
            withheld=withheld,
        )
        checked = check_rows(kind, sheet, known, partnership.id)
        batch = DirectoryBatch(
            partnership_id=partnership.id,
            new_schools=checked.new_schools,
            school_changes=checked.school_changes,
            new_people=checked.new_people,
            renamed_people=checked.renamed_people,
            new_memberships=checked.new_memberships,
        )
        return ImportPlan(
            kind, partnership, checked.lines, checked.refused, checked.unchanged, batch
        )

    def run_import(
        self, kind: ImportKind, data: bytes, partnership_ref: str | int, by_ref: str | int
    ) -> ImportPlan:
        """Check the file again and import it: every row, or (one row refused) none."""
        plan = self.plan_import(kind, data, partnership_ref, by_ref)
        if not plan.acceptable:
            raise InvalidInputError(
                f"{len(plan.refused)} rij(en) geweigerd; er is niets ingelezen"
            ).with_hint("--dry-run toont per rij waarom")
        if plan.lines:
            self.store.apply_directory_batch(plan.batch, self.clock.now())
        return plan

    def import_partnerships(self, person_id: int) -> list[PartnershipPublic]:
        """The partnerships this person may import into (all, for an administrator)."""
        return [p for p in self.store.partnerships() if self._may_import_into(person_id, p.id)]

    def _may_import_into(self, person_id: int, partnership_id: int) -> bool:
        return self.is_administrator(person_id, partnership_id) or (
            IMPORT_ROLE in self.store.roles_of(person_id, partnership_id)
        )

    def _may_import(self, by_ref: str | int, partnership: PartnershipPublic) -> int:
        """The importing person's id, when they may import into ``partnership``."""
        try:
            person = self.store.person(by_ref)
        except NotFoundError:
            raise InvalidInputError(f"persoon '{by_ref}' bestaat niet") from None
        if not self._may_import_into(person.id, partnership.id):
            raise InvalidInputError(
                f"{person.name} mag niet inlezen voor {partnership.name}: dat mogen de "
                "coördinator en de beheerder"
            )
        return person.id
