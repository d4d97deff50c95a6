"""Who is who: partnerships, their candidate schools, people and their roles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toetreding._exceptions import ConflictError, NotFoundError
from toetreding.roles import ROLE_LABELS
from toetreding.store._common import (
    MEMBERSHIPS,
    PARTNERSHIPS,
    SCHOOLS,
    P,
    insert_row,
    is_id,
    public_by_id,
    row_by_ref,
)
from toetreding.store.tables import (
    Membership,
    MembershipPublic,
    Partnership,
    PartnershipPublic,
    Person,
    PersonPublic,
    School,
    SchoolCreate,
    SchoolPublic,
    SchoolUpdate,
)


class DirectoryStore:
    """Partnerships, schools, people and memberships; hands out ``*Public`` records."""

    engine: Engine

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def _public(self, schema: type[P], query: Any) -> P | None:
        """The first row ``query`` finds, as ``schema``."""
        with self._session() as session:
            found = session.exec(query).scalars().first()
        return None if found is None else schema.model_validate(found)

    # --- partnerships ------------------------------------------------------------------

    def add_partnership(self, code: str, name: str, at: datetime) -> PartnershipPublic:
        row = insert_row(
            self.engine,
            Partnership(code=code, name=name, created_at=at),
            f"partnerschap met code '{code}' bestaat al",
        )
        return PartnershipPublic.model_validate(row)

    def partnerships(self) -> list[PartnershipPublic]:
        with self._session() as session:
            rows = session.exec(select(Partnership).order_by(Partnership.code)).scalars()  # type: ignore[call-overload]
            return [PartnershipPublic.model_validate(row) for row in rows]

    def partnership(self, ref: str | int) -> PartnershipPublic:
        """By id or by code."""
        found = (
            public_by_id(self.engine, PARTNERSHIPS, PartnershipPublic, int(ref))
            if is_id(ref)
            else self._public(PartnershipPublic, select(Partnership).where(Partnership.code == ref))  # type: ignore[arg-type]
        )
        if found is None:
            raise NotFoundError(f"partnerschap '{ref}' bestaat niet")
        return found

    # --- schools -----------------------------------------------------------------------

    def add_school(self, data: SchoolCreate, at: datetime) -> SchoolPublic:
        self.partnership(data.partnership_id)
        school = School.model_validate(data, update={"created_at": at})
        row = insert_row(
            self.engine, school, f"een school met BRIN '{data.brin}' staat al in dit partnerschap"
        )
        return SchoolPublic.model_validate(row)

    def update_school(self, school_id: int, changes: SchoolUpdate) -> SchoolPublic:
        """Change the given fields of a school; an omitted field stays as it is."""
        with self._session() as session:
            school = session.get(School, school_id)
            if school is None:
                raise NotFoundError(f"school '{school_id}' bestaat niet")
            school.sqlmodel_update(changes.model_dump(exclude_unset=True))
            session.add(school)
            try:
                session.commit()
            except IntegrityError as exc:
                raise ConflictError(
                    f"een school met BRIN '{school.brin}' staat al in dit partnerschap"
                ) from exc
            session.refresh(school)
            return SchoolPublic.model_validate(school)

    def schools(self, partnership_id: int | None = None) -> list[SchoolPublic]:
        query = select(School).order_by(School.name)
        if partnership_id is not None:
            query = query.where(School.partnership_id == partnership_id)  # type: ignore[arg-type]
        with self._session() as session:
            rows = session.exec(query).scalars()  # type: ignore[call-overload]
            return [SchoolPublic.model_validate(row) for row in rows]

    def school(self, ref: str | int, partnership_id: int | None = None) -> SchoolPublic:
        """By id, or by BRIN within a partnership."""
        if is_id(ref):
            found = public_by_id(self.engine, SCHOOLS, SchoolPublic, int(ref))
        else:
            query = select(School).where(School.brin == ref)  # type: ignore[arg-type]
            if partnership_id is not None:
                query = query.where(School.partnership_id == partnership_id)  # type: ignore[arg-type]
            found = self._public(SchoolPublic, query)
        if found is None:
            raise NotFoundError(f"school '{ref}' bestaat niet")
        return found

    # --- people and their roles --------------------------------------------------------

    def add_person(self, name: str, email: str, at: datetime) -> PersonPublic:
        row = insert_row(
            self.engine,
            Person(name=name, email=email.strip().lower(), created_at=at),
            f"er is al iemand met e-mailadres '{email}'",
        )
        return PersonPublic.model_validate(row)

    def person(self, ref: str | int) -> PersonPublic:
        """By id or by e-mail address."""
        with self._session() as session:
            found = row_by_ref(session, Person, Person.email, str(ref).strip().lower())
        if found is None:
            raise NotFoundError(f"persoon '{ref}' bestaat niet")
        return PersonPublic.model_validate(found)

    def people(
        self, partnership_id: int | None = None
    ) -> list[tuple[PersonPublic, list[MembershipPublic]]]:
        """People by name with their memberships (of one partnership: only its people)."""
        with self._session() as session:
            people = [
                PersonPublic.model_validate(row)
                for row in session.exec(select(Person).order_by(Person.name)).scalars()  # type: ignore[call-overload]
            ]
            query = select(Membership)
            if partnership_id is not None:
                query = query.where(Membership.partnership_id == partnership_id)  # type: ignore[arg-type]
            found = [MembershipPublic.model_validate(m) for m in session.exec(query).scalars()]  # type: ignore[call-overload]
        by_person: dict[int, list[MembershipPublic]] = {}
        for membership in found:
            by_person.setdefault(membership.person_id, []).append(membership)
        if partnership_id is None:
            return [(p, by_person.get(p.id, [])) for p in people]
        return [(p, by_person[p.id]) for p in people if p.id in by_person]

    def add_membership(
        self, person_id: int, partnership_id: int, role: str, school_id: int | None = None
    ) -> MembershipPublic:
        membership = Membership(
            person_id=person_id, partnership_id=partnership_id, role=role, school_id=school_id
        )
        held = f"deze persoon heeft de rol '{ROLE_LABELS.get(role, role)}' al"  # its name
        row = insert_row(self.engine, membership, held)
        return MembershipPublic.model_validate(row)

    def memberships_of(self, person_id: int) -> list[MembershipPublic]:
        """Every role the person holds, in every partnership."""
        query = select(MEMBERSHIPS).where(MEMBERSHIPS.c.person_id == person_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(MEMBERSHIPS.c.id)).all()
        return [MembershipPublic.model_validate(row._asdict()) for row in rows]

    def roles_of(self, person_id: int, partnership_id: int) -> set[str]:
        query = select(MEMBERSHIPS.c.role).where(
            MEMBERSHIPS.c.person_id == person_id, MEMBERSHIPS.c.partnership_id == partnership_id
        )
        with self.engine.connect() as connection:
            return set(connection.execute(query).scalars())
