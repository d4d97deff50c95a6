"""The application service: what a coordinator, committee, school or administrator can do,
in one place.

It ties the protocol registry, the shared machines and the store together. Views (the CLI,
the web pages and API, documents, reminders, simulations) call it and receive plain records;
nothing here prints or reads the wall clock.
"""

from toetreding.service.accounts import (
    API_TOKEN_DAYS,
    MIN_PASSWORD,
    SESSION_LIFETIME,
    Accounts,
    Revoked,
    new_password,
    token_hash,
)
from toetreding.service.calendar_records import (
    Finding,
    MovedDeadline,
    Saved,
    SchoolYearRow,
    WaitingItem,
    moved_heading,
)
from toetreding.service.cases import (
    CaseView,
    DeadlineLine,
    deadline_line,
    deadline_status,
)
from toetreding.service.corrections import (
    CORRECTION_ROLES,
    WITHDRAWN,
    corrected_rows,
    is_withdrawn,
    standing,
    state_words,
)
from toetreding.service.deadlines import (
    AUTOMATIC,
    DEADLINE_ROLES,
    AgendaItem,
    Consequence,
)
from toetreding.service.facade import Toetreding
from toetreding.service.files import ArtefactFiles, NameOnly, artefact_labels
from toetreding.service.handovers import HandoverBrief
from toetreding.service.history_words import (
    deadline_payload,
    history_actor,
    history_heading,
    history_note,
    state_label,
    stays_in_step,
)
from toetreding.service.idempotency import Idempotency, Replay, request_digest
from toetreding.service.import_rows import ImportKind, PlannedLine, RefusedRow
from toetreding.service.imports import ImportPlan
from toetreding.service.meeting_packs import (
    STATUS_LABELS,
    PackPlan,
    PackRecipient,
    PackRound,
    names_in_words,
)
from toetreding.service.meeting_records import (
    DecisionLine,
    MeetingItemView,
    MeetingView,
    ProposedItem,
    meeting_data,
    meeting_title,
    parse_day,
    parse_time,
)
from toetreding.service.overview import NAMES_SHOWN, Board, BoardCase, BoardColumn, CaseTiming
from toetreding.service.protocols import ListedProtocol, use_words
from toetreding.service.version_moves import (
    MOVE_ROLES,
    DeadlineChange,
    MoveOutcome,
    MovePlan,
    PlannedMove,
    StateMapping,
)

__all__ = [
    "API_TOKEN_DAYS",
    "AUTOMATIC",
    "CORRECTION_ROLES",
    "DEADLINE_ROLES",
    "MIN_PASSWORD",
    "MOVE_ROLES",
    "NAMES_SHOWN",
    "SESSION_LIFETIME",
    "STATUS_LABELS",
    "WITHDRAWN",
    "Accounts",
    "AgendaItem",
    "ArtefactFiles",
    "Board",
    "BoardCase",
    "BoardColumn",
    "CaseTiming",
    "CaseView",
    "Consequence",
    "DeadlineChange",
    "DeadlineLine",
    "DecisionLine",
    "Finding",
    "HandoverBrief",
    "Idempotency",
    "ImportKind",
    "ImportPlan",
    "ListedProtocol",
    "MeetingItemView",
    "MeetingView",
    "MoveOutcome",
    "MovePlan",
    "MovedDeadline",
    "NameOnly",
    "PackPlan",
    "PackRecipient",
    "PackRound",
    "PlannedLine",
    "PlannedMove",
    "ProposedItem",
    "RefusedRow",
    "Replay",
    "Revoked",
    "Saved",
    "SchoolYearRow",
    "StateMapping",
    "Toetreding",
    "WaitingItem",
    "artefact_labels",
    "corrected_rows",
    "deadline_line",
    "deadline_payload",
    "deadline_status",
    "history_actor",
    "history_heading",
    "history_note",
    "is_withdrawn",
    "meeting_data",
    "meeting_title",
    "moved_heading",
    "names_in_words",
    "new_password",
    "parse_day",
    "parse_time",
    "request_digest",
    "standing",
    "state_label",
    "state_words",
    "stays_in_step",
    "token_hash",
    "use_words",
]
