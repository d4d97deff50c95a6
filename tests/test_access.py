"""Who may see what (web/access.py), each rule on its own: cases, partnerships, reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from toetreding import NotFoundError
from toetreding.web.access import (
    Viewer,
    load_viewer,
    require_visible_reports,
    visible_audit,
    visible_case,
    visible_reports,
)


def viewer(*, admin: bool = False, partnerships: set[int] = set(), schools: set[int] = set()):  # type: ignore[no-untyped-def]  # noqa: B006
    return Viewer(7, "Vera", "vera@p.example", admin, frozenset(partnerships), frozenset(schools))


def case(partnership_id: int, school_id: int) -> Any:
    return SimpleNamespace(id=3, partnership_id=partnership_id, school_id=school_id)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (viewer(admin=True), True),
        (viewer(partnerships={1}), True),  # works for the case's partnership
        (viewer(schools={10}), True),  # the contact of the case's school
        (viewer(partnerships={2}, schools={11}), False),
        (viewer(), False),
    ],
)
def test_a_case_is_seen_by_admins_its_partnership_and_its_school(who: Viewer, sees: bool) -> None:
    assert who.sees_case(case(1, 10)) is sees


def test_a_partnership_is_seen_by_its_people_and_admins_not_by_school_contacts() -> None:
    assert viewer(admin=True).sees_partnership(1) is True
    assert viewer(partnerships={1}).sees_partnership(1) is True
    assert viewer(partnerships={2}).sees_partnership(1) is False
    assert viewer(schools={10}).sees_partnership(1) is False


@dataclass
class FakeApp:
    cases: dict[int, Any] = field(default_factory=dict)
    admins: set[int] = field(default_factory=set)
    memberships: list[Any] = field(default_factory=list)

    def case(self, case_id: int) -> Any:
        if case_id not in self.cases:
            raise NotFoundError(f"dossier {case_id} bestaat niet (echt)")
        return self.cases[case_id]

    def person(self, person_id: int) -> Any:
        if person_id != 7:
            raise NotFoundError(f"persoon {person_id} bestaat niet")
        return SimpleNamespace(name="Vera", email="vera@p.example")

    def memberships_of(self, person_id: int) -> list[Any]:
        return self.memberships

    @property
    def accounts(self) -> Any:
        return SimpleNamespace(is_admin=lambda person_id: person_id in self.admins)


def test_a_viewer_is_loaded_with_partnerships_apart_from_schools() -> None:
    app = FakeApp(
        memberships=[
            SimpleNamespace(partnership_id=1, role="coordinator", school_id=None),
            SimpleNamespace(partnership_id=2, role="school", school_id=20),
            SimpleNamespace(partnership_id=3, role="school", school_id=30),
        ]
    )
    loaded = load_viewer(app, 7)  # type: ignore[arg-type]
    assert loaded == Viewer(
        7, "Vera", "vera@p.example", False, frozenset({1}), frozenset({20, 30}),
        member_of=frozenset({1, 2, 3}),  # whose own protocols they see: every partnership
    )  # fmt: skip
    app.admins.add(7)
    assert load_viewer(app, 7).is_admin is True  # type: ignore[arg-type]
    with pytest.raises(NotFoundError) as unknown:
        load_viewer(app, 8)  # type: ignore[arg-type]
    assert str(unknown.value) == "onbekende gebruiker"


def test_a_case_one_may_not_see_reads_exactly_like_an_unknown_one() -> None:
    app = FakeApp(cases={3: case(1, 10)})
    assert visible_case(app, viewer(partnerships={1}), 3) is app.cases[3]  # type: ignore[arg-type]
    for who, case_id in ((viewer(partnerships={2}), 3), (viewer(admin=True), 4)):
        with pytest.raises(NotFoundError) as refused:
            visible_case(app, who, case_id)  # type: ignore[arg-type]
        assert str(refused.value) == f"dossier {case_id} bestaat niet"


@dataclass(frozen=True)
class AuditStub:
    case_id: int
    reports: list[Any]


class FakeDesk:
    """Reports 1-3 of audit ``number``; only version 2 was sent to the school."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int, int | None]] = []

    def reports(self, case_id: int, number: int | None = None) -> list[Any]:
        self.asked.append(("all", case_id, number))
        return [SimpleNamespace(version=v) for v in (1, 2, 3)]

    def released_reports(self, case_id: int, number: int | None = None) -> list[Any]:
        self.asked.append(("released", case_id, number))
        return [SimpleNamespace(version=2)]

    def view(self, case_id: int, number: int | None = None) -> Any:
        self.asked.append(("view", case_id, number))
        return AuditStub(case_id, self.reports(case_id, number))


SCHOOL = viewer(schools={10})
STAFF = viewer(partnerships={1})


def versions(reports: list[Any]) -> list[int]:
    return [r.version for r in reports]


def test_a_school_reads_only_the_report_versions_sent_to_it() -> None:
    desk = FakeDesk()
    assert versions(visible_reports(desk, SCHOOL, 3, 2)) == [2]  # type: ignore[arg-type]
    assert versions(visible_reports(desk, STAFF, 3, 2)) == [1, 2, 3]  # type: ignore[arg-type]
    assert versions(visible_reports(desk, viewer(admin=True, schools={10}), 3)) == [1, 2, 3]  # type: ignore[arg-type]
    assert desk.asked == [("released", 3, 2), ("all", 3, 2), ("all", 3, None)]


def test_an_audit_shows_a_school_only_the_versions_sent_to_it() -> None:
    desk = FakeDesk()
    assert versions(visible_audit(desk, STAFF, 3, 1).reports) == [1, 2, 3]  # type: ignore[arg-type]
    desk.asked.clear()
    school_view = visible_audit(desk, SCHOOL, 3, 1)  # type: ignore[arg-type]
    assert (school_view.case_id, versions(school_view.reports)) == (3, [2])
    assert desk.asked == [("view", 3, 1), ("all", 3, 1), ("released", 3, 1)]


def test_a_version_not_sent_to_the_school_reads_as_unknown() -> None:
    desk = FakeDesk()
    require_visible_reports(desk, STAFF, 3, 1, 3)  # type: ignore[arg-type]
    assert desk.asked == []  # the partnership's people read every version
    require_visible_reports(desk, SCHOOL, 3, 2, number=1)  # type: ignore[arg-type]
    assert desk.asked == [("released", 3, 1)]
    with pytest.raises(NotFoundError) as refused:
        require_visible_reports(desk, SCHOOL, 3, 2, 3)  # type: ignore[arg-type]
    assert str(refused.value) == "rapportversie 3 bestaat niet"
