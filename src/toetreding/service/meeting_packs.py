"""Sending a meeting's pack to the members of its body, on request: who gets it (a member
without a usable e-mail address is named, not an error), a second request only when asked
for explicitly, and a record per member of how it went. The e-mail itself is made and sent
by the views' side (``toetreding.reminders.meeting_pack``), which records each outcome here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from toetreding._exceptions import ConflictError, InvalidInputError
from toetreding.clock import local
from toetreding.service.meetings import MeetingService
from toetreding.service.values import EMAIL
from toetreding.store import PackSendingRecord, PersonPublic

STATUS_LABELS = {
    "sent": "verzonden",
    "failed": "niet verzonden",
    "no_address": "geen e-mailadres",
    "pending": "wordt verzonden (of onderbroken)",
}


@dataclass(frozen=True)
class PackRecipient:
    person_id: int
    name: str
    email: str


@dataclass(frozen=True)
class PackPlan:
    """Who gets the pack on this request; nothing is recorded yet."""

    meeting_id: int
    seen_version: int  # the requests recorded when the plan was made
    requested_by: PackRecipient  # e-mail '' when not usable (no Reply-To then)
    body_name: str  # 'de stuurgroep'
    recipients: tuple[PackRecipient, ...]  # members with a usable address
    without_address: tuple[PackRecipient, ...]  # named in the result, not sent to


@dataclass(frozen=True)
class PackRound:
    """One request to send the pack, and how it went per member."""

    version: int
    requested_by: str
    requested_at: datetime
    lines: tuple[PackSendingRecord, ...]

    def names(self, status: str) -> list[str]:
        return [line.person_name for line in self.lines if line.status == status]

    @property
    def failed(self) -> list[PackSendingRecord]:
        return [line for line in self.lines if line.status == "failed"]

    @property
    def reached(self) -> bool:
        """Whether the pack reached anyone on this request."""
        return any(line.status == "sent" for line in self.lines)

    @property
    def summary(self) -> str:
        """'verzonden op 06-12-2026 om 10:00 door Ans Smit aan Hans Wolters en Eva Bos'."""
        moment = local(self.requested_at)
        when = f"op {moment:%d-%m-%Y} om {moment:%H:%M} door {self.requested_by}"
        if self.reached:
            return f"verzonden {when} aan {names_in_words(self.names('sent'))}"
        return f"{when} verstuurd, maar aan niemand aangekomen"


class MeetingPackService(MeetingService):
    """The meeting pack sent to the body's members on request."""

    def plan_pack_sending(
        self,
        meeting_id: int,
        *,
        actor_ref: str | int,
        again: bool = False,
        seen_version: int | None = None,
    ) -> PackPlan:
        """Who would get the pack now. Only the coordinator or a member of the body asks;
        once it was sent, only ``again`` sends it once more (a new version for everyone).
        ``seen_version``: the requests the asker saw (a page); another since is refused."""
        meeting = self.meeting(meeting_id)
        person_id = self.person_id(actor_ref)
        self._require_organiser(meeting.partnership_id, meeting.body, person_id)
        rounds = self.pack_rounds(meeting_id)
        if seen_version is not None and seen_version != meeting.pack_version and rounds:
            raise ConflictError(
                f"de vergaderstukken zijn intussen {rounds[0].summary}; er is niets "
                "opnieuw verzonden"
            )
        reached = [r for r in rounds if r.reached]  # a request that reached nobody: try again
        if reached and not again:
            raise ConflictError(
                f"de vergaderstukken zijn al {reached[0].summary}; er is niets opnieuw "
                "verzonden. Bevestig om ze nogmaals aan alle leden te sturen"
            ).with_hint("--opnieuw verstuurt ze nogmaals")
        members = self.members_of(meeting.partnership_id, meeting.body)
        if not members:
            raise InvalidInputError(
                f"{self.body_name(meeting.body)} heeft in dit partnerschap geen leden; er is "
                "niets verzonden"
            )
        everyone = [_recipient(p) for p in members]
        with_address = tuple(r for r in everyone if r.email)
        if not with_address:
            raise InvalidInputError(
                f"geen lid van {self.body_name(meeting.body)} heeft een bruikbaar "
                f"e-mailadres ({names_in_words([r.name for r in everyone])}); er is niets "
                "verzonden"
            )
        return PackPlan(
            meeting_id=meeting_id,
            seen_version=meeting.pack_version,
            requested_by=_recipient(self.store.person(person_id)),
            body_name=self.body_name(meeting.body),
            recipients=with_address,
            without_address=tuple(r for r in everyone if r not in with_address),
        )

    def start_pack_sending(self, plan: PackPlan) -> int:
        """Record the request (every member's row) before anything is sent: its version.
        Refused when another request was recorded since the plan was made."""
        return self.store.meetings.start_pack_sending(
            plan.meeting_id,
            seen_version=plan.seen_version,
            requested_by=plan.requested_by.person_id,
            at=self.clock.now(),
            recipients=[(r.person_id, r.email) for r in plan.recipients]
            + [(r.person_id, None) for r in plan.without_address],
        )

    def pack_sent(
        self, meeting_id: int, version: int, person_id: int, problem: str | None = None
    ) -> None:
        """The pack of request ``version`` reached the member, or not (``problem``)."""
        self.store.meetings.finish_pack_sending(
            meeting_id, version, person_id, self.clock.now(), problem
        )

    def pack_rounds(self, meeting_id: int) -> list[PackRound]:
        """Every request to send the pack, the newest first, with each member's outcome."""
        rounds: dict[int, list[PackSendingRecord]] = {}
        for line in self.store.meetings.pack_sendings(meeting_id):
            rounds.setdefault(line.version, []).append(line)
        return [
            PackRound(version, lines[0].requested_by, lines[0].requested_at, tuple(lines))
            for version, lines in rounds.items()
        ]


def _recipient(person: PersonPublic) -> PackRecipient:
    """The person with their address, or '' when it cannot be written to."""
    email = person.email.strip()
    return PackRecipient(person.id, person.name, email if EMAIL.match(email) else "")


def names_in_words(names: list[str]) -> str:
    """'A', 'A en B', 'A, B en C'."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} en {names[-1]}"
