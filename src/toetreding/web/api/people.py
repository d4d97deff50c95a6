"""``GET /api/ik``: who is signed in, and their roles per partnership."""

from __future__ import annotations

from fastapi import APIRouter, Request

from toetreding.roles import SCHOOL_ROLE
from toetreding.web.api._common import ApiRoute, errors
from toetreding.web.deps import Me, ctx
from toetreding.web.schemas import (
    MePublic,
    PartnershipRoles,
    RolePublic,
    SchoolRef,
)

router = APIRouter(route_class=ApiRoute, tags=["ik"])


@router.get(
    "/ik",
    response_model=MePublic,
    summary="Wie ben ik",
    description=(
        "De aangemelde persoon met per partnerschap de rollen (bij de rol 'school' ook de "
        "school). / The signed-in person with their roles per partnership."
    ),
    responses=errors(401, 422),
)
def who_am_i(request: Request, me: Me) -> MePublic:
    app = ctx(request).service
    labels = app.known_roles()
    schools = [app.school(school_id) for school_id in sorted(me.schools)]
    partnership_ids = sorted(me.partnerships | {s.partnership_id for s in schools})
    memberships = []
    for partnership_id in partnership_ids:
        roles = [
            RolePublic(role=role, label=labels.get(role, role))
            for role in sorted(app.roles_of(me.person_id, partnership_id))
            if role != SCHOOL_ROLE
        ]
        roles += [
            RolePublic(
                role=SCHOOL_ROLE,
                label=labels.get(SCHOOL_ROLE, SCHOOL_ROLE),
                school=SchoolRef(id=s.id, name=s.name),
            )
            for s in schools
            if s.partnership_id == partnership_id
        ]
        memberships.append(
            PartnershipRoles(
                partnership=app.partnership(partnership_id),
                roles=roles,
            )
        )
    return MePublic(
        id=me.person_id,
        name=me.name,
        email=me.email,
        is_admin=me.is_admin,
        partnerships=memberships,
    )
