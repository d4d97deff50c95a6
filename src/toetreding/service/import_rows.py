"""Checking a spreadsheet's rows of schools, boards or people against what is already known.

Pure: the rows and the partnership's current schools, people and roles go in; what would be
added or changed, and every refused row with its number and a Dutch reason, come out. Nothing
is written here (see :mod:`toetreding.service.imports`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from toetreding._exceptions import InvalidInputError
from toetreding.calendar import Region
from toetreding.definition import Sector
from toetreding.roles import ROLE_LABELS, SCHOOL_ROLE
from toetreding.service.values import EMAIL
from toetreding.sheets import SheetData, SheetRow
from toetreding.store import (
    MembershipPublic,
    NewMembership,
    PersonPublic,
    SchoolCreate,
    SchoolPublic,
    SchoolUpdate,
)

E = TypeVar("E", bound=StrEnum)
LIMITS = {"naam": 200, "brin": 20, "bestuur": 200, "e-mail": 254}


class ImportKind(StrEnum):
    SCHOOLS = "schools"
    BOARDS = "boards"
    PEOPLE = "people"

    @property
    def label(self) -> str:
        return {"schools": "scholen", "boards": "besturen", "people": "personen"}[self.value]


# Per kind: the column names a file may use for each field; the first is the one we print.
COLUMNS: dict[ImportKind, dict[str, tuple[str, ...]]] = {
    ImportKind.SCHOOLS: {
        "naam": ("naam", "school", "schoolnaam"),
        "brin": ("brin", "brinnummer", "brin-nummer"),
        "sector": ("sector",),
        "regio": ("regio", "vakantieregio"),
        "bestuur": ("bestuur", "schoolbestuur"),
    },
    ImportKind.BOARDS: {
        "brin": ("brin", "brinnummer", "brin-nummer"),
        "bestuur": ("bestuur", "schoolbestuur"),
        "naam": ("naam", "school", "schoolnaam"),
    },
    ImportKind.PEOPLE: {
        "naam": ("naam",),
        "e-mail": ("e-mail", "email", "e-mailadres", "emailadres"),
        "rol": ("rol",),
        "school": ("school", "brin"),
    },
}
REQUIRED = {
    ImportKind.SCHOOLS: ("naam", "brin", "sector", "regio"),
    ImportKind.BOARDS: ("brin", "bestuur"),
    ImportKind.PEOPLE: ("naam", "e-mail"),
}


@dataclass(frozen=True)
class PlannedLine:
    number: int  # the row in the spreadsheet
    action: str  # "toevoegen" or "wijzigen"
    text: str


@dataclass(frozen=True)
class RefusedRow:
    number: int
    reason: str


@dataclass(frozen=True)
class Known:
    """The partnership's directory as it is now."""

    schools: list[SchoolPublic]
    people: list[tuple[PersonPublic, list[MembershipPublic]]]  # roles in this partnership
    roles: dict[str, str]  # role id -> Dutch label, the ones the importer may give
    withheld: dict[str, str] = field(default_factory=dict)  # known, not theirs to give


@dataclass
class Checked:
    """What the rows would do."""

    partnership_id: int
    lines: list[PlannedLine] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    unchanged: int = 0
    new_schools: list[SchoolCreate] = field(default_factory=list)
    school_changes: list[tuple[int, SchoolUpdate]] = field(default_factory=list)
    new_people: list[tuple[str, str]] = field(default_factory=list)
    renamed_people: list[tuple[int, str]] = field(default_factory=list)
    new_memberships: list[NewMembership] = field(default_factory=list)


class RowRefused(Exception):
    """One row cannot be taken (the reason is Dutch and names the value)."""


def fields_of(kind: ImportKind, sheet: SheetData) -> dict[str, str]:
    """Which column holds which field; InvalidInputError for an unknown or missing column."""
    wanted = COLUMNS[kind]
    found: dict[str, str] = {}
    for column in sheet.columns:
        name = next((f for f, aliases in wanted.items() if column in aliases), None)
        if name is None:
            known = ", ".join(a[0] for a in wanted.values())
            raise InvalidInputError(
                f"onbekende kolom '{column}' voor {kind.label}; bekende kolommen: {known}"
            )
        if name in found:
            raise InvalidInputError(f"de kolommen '{found[name]}' en '{column}' zeggen hetzelfde")
        found[name] = column
    missing = [f for f in REQUIRED[kind] if f not in found]
    if missing:
        raise InvalidInputError(
            f"kolom {', '.join(repr(m) for m in missing)} ontbreekt; "
            f"een bestand met {kind.label} heeft de kolommen "
            + ", ".join(a[0] for a in wanted.values())
        )
    return found


def check_rows(kind: ImportKind, sheet: SheetData, known: Known, partnership_id: int) -> Checked:
    columns = fields_of(kind, sheet)
    checked = Checked(partnership_id)
    checker: Callable[[dict[str, str], int, _Seen], None] = {
        ImportKind.SCHOOLS: lambda v, n, s: _school(v, n, s, known, checked),
        ImportKind.BOARDS: lambda v, n, s: _board(v, n, s, known, checked),
        ImportKind.PEOPLE: lambda v, n, s: _person(v, n, s, known, checked),
    }[kind]
    seen = _Seen()
    for row in sheet.rows:
        try:
            checker(_values(row, columns), row.number, seen)
        except RowRefused as refused:
            checked.refused.append(RefusedRow(row.number, str(refused)))
    return checked


@dataclass
class _Seen:
    """Keys met earlier in the file, with their row, so a repeat names the first."""

    rows: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # e-mail -> name in the file

    def once(self, key: str, number: int, what: str) -> None:
        if key in self.rows:
            raise RowRefused(f"{what} staat ook in rij {self.rows[key]}")
        self.rows[key] = number


def _values(row: SheetRow, columns: dict[str, str]) -> dict[str, str]:
    if "\x00extra" in row.values:
        raise_for = "deze rij heeft een waarde in een kolom zonder naam"
        return {"\x00refused": raise_for}
    values = {name: row.values.get(column, "") for name, column in columns.items()}
    for name, value in values.items():
        if name in LIMITS and len(value) > LIMITS[name]:
            return {"\x00refused": f"{name} is langer dan {LIMITS[name]} tekens"}
    return values


def _refused_early(values: dict[str, str]) -> None:
    if "\x00refused" in values:
        raise RowRefused(values["\x00refused"])


def _school_by_brin(known: Known, brin: str) -> SchoolPublic | None:
    return next((s for s in known.schools if (s.brin or "").upper() == brin.upper()), None)


def _choice(enum: type[E], value: str, what: str) -> E:
    try:
        return enum(value.strip().lower())
    except ValueError:
        options = ", ".join(e.value for e in enum)
        raise RowRefused(f"{what} '{value}' bestaat niet; kies uit {options}") from None


def _school(values: dict[str, str], number: int, seen: _Seen, known: Known, out: Checked) -> None:
    _refused_early(values)
    for name in REQUIRED[ImportKind.SCHOOLS]:
        if not values.get(name):
            raise RowRefused(f"{name} ontbreekt")
    brin = values["brin"].upper()
    sector = _choice(Sector, values["sector"], "sector")
    region = _choice(Region, values["regio"], "regio")
    board = values.get("bestuur") or None
    seen.once(brin, number, f"BRIN {brin}")
    existing = _school_by_brin(known, brin)
    if existing is None:
        out.new_schools.append(
            SchoolCreate(
                partnership_id=out.partnership_id,
                name=values["naam"],
                sector=sector,
                region=region,
                brin=brin,
                board=board,
            )
        )
        out.lines.append(PlannedLine(number, "toevoegen", f"school {values['naam']} ({brin})"))
        return
    if existing.sector != sector:
        raise RowRefused(
            f"school {existing.name} ({brin}) is {existing.sector}, niet {sector.value}; "
            "de sector van een bestaande school verandert niet"
        )
    wanted = {"name": values["naam"], "region": region, "board": board}
    if "bestuur" not in values:
        del wanted["board"]  # no board column: the board stays as it is
    _change_school(existing, wanted, number, out)


def _change_school(
    existing: SchoolPublic, wanted: Mapping[str, object], number: int, out: Checked
) -> None:
    words = {"name": "naam", "region": "regio", "board": "bestuur"}
    changed = {k: v for k, v in wanted.items() if getattr(existing, k) != v}
    if not changed:
        out.unchanged += 1
        return
    out.school_changes.append((existing.id, SchoolUpdate.model_validate(changed)))
    parts = [
        f"{words[k]} '{getattr(existing, k) or '-'}' wordt '{v or '-'}'" for k, v in changed.items()
    ]
    out.lines.append(
        PlannedLine(
            number, "wijzigen", f"school {existing.name} ({existing.brin}): " + "; ".join(parts)
        )
    )


def _board(values: dict[str, str], number: int, seen: _Seen, known: Known, out: Checked) -> None:
    _refused_early(values)
    for name in REQUIRED[ImportKind.BOARDS]:
        if not values.get(name):
            raise RowRefused(f"{name} ontbreekt")
    brin = values["brin"].upper()
    seen.once(brin, number, f"BRIN {brin}")
    existing = _school_by_brin(known, brin)
    if existing is None:
        raise RowRefused(f"geen school met BRIN {brin} in dit partnerschap")
    given = values.get("naam")
    if given and given.casefold() != existing.name.casefold():
        raise RowRefused(f"BRIN {brin} is {existing.name}, niet {given}")
    _change_school(existing, {"board": values["bestuur"]}, number, out)


def _person(values: dict[str, str], number: int, seen: _Seen, known: Known, out: Checked) -> None:
    _refused_early(values)
    for name in REQUIRED[ImportKind.PEOPLE]:
        if not values.get(name):
            raise RowRefused(f"{name} ontbreekt")
    name, email = values["naam"], values["e-mail"].lower()
    if not EMAIL.match(email):
        raise RowRefused(f"'{values['e-mail']}' is geen e-mailadres")
    if seen.names.setdefault(email, name) != name:
        raise RowRefused(f"{email} heet in een eerdere rij '{seen.names[email]}', hier '{name}'")
    role = _role(values.get("rol", ""), known)
    brin = _school_of_role(role, values.get("school", "").upper() or None, known, out)
    seen.once(f"{email}|{role}|{brin}", number, f"{email} met deze rol")
    person = next(((p, ms) for p, ms in known.people if p.email == email), None)
    did = []
    if person is None and email not in {e for _, e in out.new_people}:
        out.new_people.append((name, email))
        did.append(("toevoegen", f"{name} <{email}>"))
    renamed = {i for i, _ in out.renamed_people}
    if person is not None and person[0].name != name and person[0].id not in renamed:
        out.renamed_people.append((person[0].id, name))
        did.append(("wijzigen", f"{email}: naam '{person[0].name}' wordt '{name}'"))
    if role is not None and not _holds(person, role, brin, known):
        out.new_memberships.append(NewMembership(email, role, brin))
        where = f" bij school {brin}" if brin else ""
        did.append(("toevoegen", f"rol {known.roles[role]}{where} voor {email}"))
    if not did:
        out.unchanged += 1
    for action, text in did:
        out.lines.append(PlannedLine(number, action, text))


def _school_of_role(role: str | None, brin: str | None, known: Known, out: Checked) -> str | None:
    """The BRIN a school contact is tied to (known, or added by the same import)."""
    school_role = f"de rol '{ROLE_LABELS[SCHOOL_ROLE]}'"  # its name, never our code
    if role == SCHOOL_ROLE and brin is None:
        raise RowRefused(f"{school_role} hoort bij een school: vul de kolom school (BRIN) in")
    if role != SCHOOL_ROLE and brin is not None:
        raise RowRefused(f"alleen {school_role} hoort bij een school; laat de kolom school leeg")
    if brin is not None and _school_by_brin(known, brin) is None:
        raise RowRefused(f"geen school met BRIN {brin} in dit partnerschap")
    return brin


def _role(value: str, known: Known) -> str | None:
    """A role by its id or its Dutch name; empty: no role."""
    if not value:
        return None
    wanted = value.strip().casefold()
    for role, label in known.roles.items():
        if wanted in (role.casefold(), label.casefold()):
            return role
    for role, label in known.withheld.items():
        if wanted in (role.casefold(), label.casefold()):
            raise RowRefused(f"de rol '{label}' mag alleen een beheerder geven")
    # The name is accepted as well as the code: show the names only (no internal codes).
    options = ", ".join(f"'{label}'" for label in known.roles.values())
    raise RowRefused(f"onbekende rol '{value}'; schrijf een van: {options}")


def _holds(
    person: tuple[PersonPublic, list[MembershipPublic]] | None,
    role: str,
    brin: str | None,
    known: Known,
) -> bool:
    """Whether the person already has this role (for this school)."""
    if person is None:
        return False
    school = _school_by_brin(known, brin) if brin else None
    school_id = school.id if school else None
    return any(m.role == role and m.school_id == school_id for m in person[1])
