"""What the administrator's pages per partnership share (Protocolgebruik, Gesprekskaders):
the partnership picked on the page, a change posted for it (refused in Dutch beside the
page, with nothing changed, when no known partnership is picked or the change is refused),
and what the page says it did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.web.deps import Me, ctx, known_partnership, page, require_csrf
from toetreding.web.views import require_admin


@dataclass(frozen=True)
class PartnershipPage:
    """A page ``template`` per partnership; ``values`` gives what it shows for the chosen one
    (nothing is shown below the picker before one is chosen)."""

    template: str
    values: Callable[[Request, int], dict[str, Any]]

    def show(self, request: Request, me: Me, partnerschap: str) -> Response:
        require_admin(me)
        return self.render(request, me, known_partnership(request, partnerschap))

    def change(
        self,
        request: Request,
        me: Me,
        csrf_token: str,
        partnerschap: str,
        change: Callable[[int], str],
    ) -> Response:
        """Make ``change`` for the partnership picked; it returns what the page says it did."""
        require_admin(me)
        require_csrf(request, csrf_token)
        chosen = known_partnership(request, partnerschap)
        if chosen is None:
            return self.render(request, me, None, refused="kies het partnerschap", status=422)
        try:
            done = change(chosen)
        except (InvalidInputError, NotFoundError) as exc:
            return self.render(request, me, chosen, refused=str(exc), status=422)
        return self.render(request, me, chosen, done=done)

    def render(
        self,
        request: Request,
        me: Me,
        chosen: int | None,
        *,
        done: str = "",
        refused: str = "",
        status: int = 200,
    ) -> Response:
        response = page(
            request,
            self.template,
            me,
            chosen=chosen,
            partnerships=ctx(request).service.partnerships(),
            done=done,
            refused=refused,
            **(self.values(request, chosen) if chosen is not None else {}),
        )
        response.status_code = status
        return response
