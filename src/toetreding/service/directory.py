"""Who is who: partnerships, schools, people and the roles they hold."""

from __future__ import annotations

from datetime import datetime

from toetreding._exceptions import InvalidInputError
from toetreding.roles import ROLE_LABELS, SCHOOL_ROLE
from toetreding.service._base import ServiceBase
from toetreding.service.values import checked_email, checked_name
from toetreding.store import (
    MembershipPublic,
    PartnershipPublic,
    PersonPublic,
    SchoolCreate,
    SchoolPublic,
    SchoolUpdate,
)


class DirectoryService(ServiceBase):
    """Registering and looking up partnerships, schools and people."""

    # --- partnerships and schools ------------------------------------------------------

    def add_partnership(
        self, code: str, name: str, *, at: datetime | None = None
    ) -> PartnershipPublic:
        name = checked_name(name, "De naam van het partnerschap")
        return self.store.add_partnership(code, name, at or self.clock.now())

    def partnerships(self) -> list[PartnershipPublic]:
        return self.store.partnerships()

    def partnership(self, ref: str | int) -> PartnershipPublic:
        """By id or by code."""
        return self.store.partnership(ref)

    def add_school(self, data: SchoolCreate, *, at: datetime | None = None) -> SchoolPublic:
        data = data.model_copy(update={"name": checked_name(data.name, "De naam van de school")})
        return self.store.add_school(data, at or self.clock.now())

    def update_school(self, school_id: int, changes: SchoolUpdate) -> SchoolPublic:
        """Change the given fields of a school; an omitted field stays as it is."""
        if changes.name is not None:
            name = checked_name(changes.name, "De naam van de school")
            changes = changes.model_copy(update={"name": name})
        return self.store.update_school(school_id, changes)

    def schools(self, partnership_id: int | None = None) -> list[SchoolPublic]:
        return self.store.schools(partnership_id)

    def school(self, ref: str | int, partnership_id: int | None = None) -> SchoolPublic:
        """By id, or by BRIN within a partnership."""
        return self.store.school(ref, partnership_id)

    # --- people and roles --------------------------------------------------------------

    def person(self, ref: str | int) -> PersonPublic:
        """By id or by e-mail address."""
        return self.store.person(ref)

    def people(
        self, partnership_id: int | None = None
    ) -> list[tuple[PersonPublic, list[MembershipPublic]]]:
        """People by name with their roles (of one partnership: only its people)."""
        return self.store.people(partnership_id)

    def memberships_of(self, person_id: int) -> list[MembershipPublic]:
        """Every role the person holds, in every partnership."""
        return self.store.memberships_of(person_id)

    def roles_of(self, person_id: int, partnership_id: int) -> set[str]:
        """The roles the person holds in the partnership (a school contact's included)."""
        return self.store.roles_of(person_id, partnership_id)

    def known_roles(self) -> dict[str, str]:
        roles = dict(ROLE_LABELS)
        # The shipped files' roles (a published version's new role is not offered yet).
        for spec in self.registry.all():
            for role, label in spec.roles.items():
                roles.setdefault(role, label)
        return roles

    def add_person(
        self,
        name: str,
        email: str,
        *,
        partnership_ref: str | int | None = None,
        roles: tuple[str, ...] = (),
        school_ref: str | None = None,
    ) -> PersonPublic:
        """Register a person with roles in one partnership; every role is checked first."""
        name, email = checked_name(name, "De naam"), checked_email(email)
        grants = [
            self._resolve_role(partnership_ref, role, school_ref if role == SCHOOL_ROLE else None)
            for role in roles
        ]
        person = self.store.add_person(name, email, self.clock.now())
        for partnership_id, role, school_id in grants:
            self.store.add_membership(person.id, partnership_id, role, school_id)
        return person

    def grant_role(
        self,
        person_ref: str | int,
        partnership_ref: str | int,
        role: str,
        school_ref: str | None = None,
    ) -> None:
        """Give a person a role in a partnership; a school contact is tied to a school."""
        partnership_id, role, school_id = self._resolve_role(partnership_ref, role, school_ref)
        person = self.store.person(person_ref)
        self.store.add_membership(person.id, partnership_id, role, school_id)

    def _resolve_role(
        self, partnership_ref: str | int | None, role: str, school_ref: str | None
    ) -> tuple[int, str, int | None]:
        roles = self.known_roles()
        if role not in roles:
            raise InvalidInputError(f"onbekende rol '{role}'; kies uit: {', '.join(roles)}")
        if partnership_ref is None:
            raise InvalidInputError("een rol hoort bij een partnerschap").with_hint(
                "--partnership CODE"
            )
        partnership = self.store.partnership(partnership_ref)
        if role != SCHOOL_ROLE:
            if school_ref is not None:
                raise InvalidInputError("alleen de rol 'school' hoort bij een school")
            return partnership.id, role, None
        if school_ref is None:
            raise InvalidInputError("de rol 'school' hoort bij een school").with_hint(
                "--school SCHOOL"
            )
        school = self.store.school(school_ref, partnership.id)
        if school.partnership_id != partnership.id:
            raise InvalidInputError(f"school '{school.name}' hoort niet bij {partnership.code}")
        return partnership.id, role, school.id
