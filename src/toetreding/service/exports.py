"""The case list and the agenda as spreadsheets (CSV or XLSX) for the steering group's own
files: the same lists the pages and ``case list`` / ``agenda`` show, in Dutch column names,
with real dates."""

from __future__ import annotations

from datetime import date

from toetreding.clock import local
from toetreding.service.deadlines import DeadlineService
from toetreding.sheets import Cell, Sheet
from toetreding.store import CaseFilter, Visibility

CASE_COLUMNS = [
    "Dossier",
    "School",
    "Protocol",
    "Versie",
    "Stap",
    "Waar het dossier is",
    "Afgerond",
    "Geopend",
    "Laatst gewijzigd",
]
AGENDA_COLUMNS = [
    "Uiterlijk",
    "Dagen over",
    "Status",
    "School",
    "Dossier",
    "Stap",
    "Wat",
    "Wie",
]


class ExportService(DeadlineService):
    """Lists as sheets; rendering to bytes is :func:`toetreding.sheets.render_sheet`."""

    def cases_sheet(self, wanted: CaseFilter) -> Sheet:
        """Every case ``wanted`` describes (no paging), newest activity first."""
        rows: list[list[Cell]] = []
        for case, school in self.find_cases(wanted):
            spec = self.spec_of(case)
            state = spec.states.get(case.state)
            rows.append(
                [
                    case.id,
                    school,
                    spec.title,
                    case.protocol_version,
                    state.step if state else None,
                    state.label if state else case.state,
                    "ja" if case.closed_at else "nee",
                    local(case.opened_at).date(),
                    local(case.updated_at).date(),
                ]
            )
        return Sheet("Dossiers", CASE_COLUMNS, rows)

    def agenda_sheet(
        self,
        *,
        today: date,
        partnership_ref: str | int | None = None,
        within_days: int | None = None,
        overdue_only: bool = False,
        visible: Visibility | None = None,
    ) -> Sheet:
        """Every open deadline of :meth:`agenda` (no paging), soonest first."""
        items = self.agenda(
            today=today,
            partnership_ref=partnership_ref,
            within_days=within_days,
            overdue_only=overdue_only,
            visible=visible,
        )
        rows = [
            [
                item.deadline.due_date or item.due,  # no date yet: 'datum volgt (… ontbreekt)'
                item.days_left,
                "verlopen" if item.overdue else "open",
                item.deadline.school_name,
                item.deadline.case_id,
                item.state_label,
                item.label,
                ", ".join(item.who),
            ]
            for item in items
        ]
        return Sheet(f"Agenda {today:%d-%m-%Y}", AGENDA_COLUMNS, rows)
