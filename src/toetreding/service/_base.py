"""What every part of the service shares: the store, the protocols, the clock, the shared
machines and deadline planner, and the exact protocol definition each case is decided by."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import date

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.calendar import SchoolCalendar, SchoolYear, SummerVacations
from toetreding.clock import Clock, local
from toetreding.deadlines import DeadlinePlanner
from toetreding.definition import ProtocolRegistry, ProtocolSpec, load_protocol_text
from toetreding.files import DEFAULT_MAX_MB
from toetreding.formats import known_codes
from toetreding.roles import ADMIN_ROLE
from toetreding.store import CaseRecord, definition_digest
from toetreding.store.repository import Store
from toetreding.workflows import MachineCache

#: Where the vacations are kept, as messages name it.
ORIGIN = "de schoolkalender (menu Schoolkalender, of toetreding calendar set)"


class _StoredPeriods(Mapping[tuple[SchoolYear, str], tuple[date, date]]):
    """The stored summer vacations, read when asked: a year entered meanwhile (by another
    process too) counts at once, and a step without a summer deadline reads nothing."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getitem__(self, key: tuple[SchoolYear, str]) -> tuple[date, date]:
        found = self._store.summer_vacation(key[0].name, key[1])
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[tuple[SchoolYear, str]]:
        rows = self._store.summer_vacations()
        return iter([(SchoolYear.parse(v.school_year), v.region) for v in rows])

    def __len__(self) -> int:
        return len(self._store.summer_vacations())


def stored_calendar(store: Store) -> SchoolCalendar:
    """The school calendar on the vacations kept in ``store``."""
    return SchoolCalendar(SummerVacations.of(_StoredPeriods(store), {}, ORIGIN))


class ServiceBase:
    """State shared by the service's parts (see :class:`toetreding.service.Toetreding`)."""

    def __init__(
        self,
        store: Store,
        registry: ProtocolRegistry,
        clock: Clock,
        calendar: Callable[[], SchoolCalendar] | None = None,
        *,
        max_upload_bytes: int = DEFAULT_MAX_MB * 1_000_000,
    ) -> None:
        self.store = store  # for the service's parts and for tests; views use the methods
        self.max_upload_bytes = max_upload_bytes  # per uploaded file
        self.registry = registry
        self.clock = clock
        self.machines = MachineCache()
        # by default the vacations kept in the database (see toetreding.service.calendar)
        self.deadlines = DeadlinePlanner(calendar or (lambda: stored_calendar(store)))
        self._pinned: dict[tuple[str, int], ProtocolSpec] = {}
        # Published versions never change, so each is parsed once per service (never shared
        # between services: another database has other versions).
        self._published: dict[tuple[str, int], ProtocolSpec] = {}
        # The registry ``protocols()`` gave, with the number of published versions it holds
        # and the partnership each published protocol belongs to (None: shared).
        self._merged: tuple[int, ProtocolRegistry, dict[str, int | None]] | None = None
        # The shared protocols each partnership left out, with the number of choices read.
        self._left_out: tuple[int, dict[int, set[str]]] | None = None

    def days_off_of(self, partnership_id: int) -> Callable[[], frozenset[date]]:
        """The partnership's days off, read when a deadline in working days needs them."""
        return lambda: frozenset(d.day for d in self.store.days_off(partnership_id))

    def today(self) -> date:
        """Today's date in Dutch time, from the injected clock."""
        return local(self.clock.now()).date()

    def protocols(self, published: int | None = None) -> ProtocolRegistry:
        """The shipped protocol files plus the versions published in this database (every
        partnership's: see ``visible_protocols`` for what one person may see)."""
        return self.protocols_and_owners(published)[0]

    def protocols_and_owners(
        self, published: int | None = None
    ) -> tuple[ProtocolRegistry, Mapping[str, int | None]]:
        """``protocols()`` with the partnership each protocol belongs to (absent or None:
        shared by all, as the shipped ones).

        Kept per service while the number of published versions stays the same (versions
        are only ever added, by any process): a call reads that number, not every version.
        ``published``: that number, when the caller read it already (opening a case does).
        """
        count = self.store.published.count() if published is None else published
        known = self._merged
        if known is not None and known[0] == count:
            return known[1], known[2]
        records = self.store.published.all()
        merged = ProtocolRegistry(self.registry.all())
        owners: dict[str, int | None] = {}
        for record in records:
            key = (record.protocol_id, record.version)
            spec = self._published.get(key)
            if spec is None:
                spec = load_protocol_text(
                    record.text, f"opgeslagen protocol {record.protocol_id} versie {record.version}"
                )
                self._published[key] = spec
            merged.add(spec)
            owners.setdefault(record.protocol_id, record.partnership_id)
        self._merged = (len(records), merged, owners)
        return merged, owners

    def visible_protocols(self, partnerships: Collection[int] | None) -> list[ProtocolSpec]:
        """Every version a person may see: the shared ones plus those of ``partnerships``
        (None: all, for an administrator), by id and version."""
        registry, owners = self.protocols_and_owners()
        if partnerships is None:
            return registry.all()
        left_out = self.left_out_protocols()
        # a shared protocol none of their partnerships uses is not shown
        unused = [left_out.get(p, set()) for p in partnerships]
        everywhere_left = set.intersection(*unused) if unused else set()
        return [
            spec
            for spec in registry.all()
            if owners.get(spec.id) in (None, *partnerships) and spec.id not in everywhere_left
        ]

    def unknown_protocol(
        self, protocol_id: str, version: int | None, partnership_id: int
    ) -> NotFoundError:
        """The refusal of a protocol ``partnership_id`` cannot use: unknown, or another
        partnership's, in the same words, naming only what it can use (never what another
        partnership's protocol is called, nor that it exists)."""
        known = known_codes(spec.key for spec in self.visible_protocols({partnership_id}))
        what = f"'{protocol_id}'" + (f" versie {version}" if version is not None else "")
        return NotFoundError(f"protocol {what} is onbekend; bekend zijn: {known}")

    def require_administrator(
        self, by: str | int, what: str, partnership_id: int | None = None
    ) -> int:
        """The person's id when they may do ``what`` (e.g. "de schoolkalender wijzigen"): an
        administrator account, or the role admin in ``partnership_id``; else refused."""
        person = self.store.person(by)
        if self.is_administrator(person.id or 0, partnership_id):
            return person.id or 0
        raise InvalidInputError(f"{person.name} mag niet {what}: dat mag alleen een beheerder")

    def is_administrator(self, person_id: int, partnership_id: int | None = None) -> bool:
        """An administrator account, or the role admin in ``partnership_id``."""
        account = self.store.accounts.account(person_id)
        if account is not None and account.is_admin:
            return True
        return partnership_id is not None and ADMIN_ROLE in self.store.roles_of(
            person_id, partnership_id
        )

    def left_out_protocols(self, choices: int | None = None) -> dict[int, set[str]]:
        """Per partnership the shared protocols it does not use; kept while the number of
        choices stays the same (``choices``: that number, when the caller read it already,
        as opening a case does: then no query at all)."""
        count = self.store.protocol_uses.count() if choices is None else choices
        if self._left_out is None or self._left_out[0] != count:
            self._left_out = (count, self.store.protocol_uses.left_out())
        return self._left_out[1]

    def require_used(
        self, spec: ProtocolSpec, partnership_id: int, choices: int | None = None
    ) -> None:
        """Refuse a shared protocol the partnership chose not to use (a new case on it)."""
        if spec.id in self.left_out_protocols(choices).get(partnership_id, ()):
            name = self.store.partnership(partnership_id).name
            raise InvalidInputError(
                f"protocol '{spec.title}' wordt door {name} niet gebruikt; een beheerder zet "
                "het weer aan onder Protocolbeheer (of: toetreding protocol use)"
            )

    def require_visible_protocol(
        self, protocol_id: str, partnerships: Collection[int] | None
    ) -> None:
        """Raise the same ``NotFoundError`` as for an unknown protocol when it belongs to a
        partnership outside ``partnerships`` (None: all may be seen)."""
        owner = self.protocols_and_owners()[1].get(protocol_id)
        if partnerships is not None and owner is not None and owner not in partnerships:
            raise NotFoundError(f"protocol '{protocol_id}' is onbekend")

    def spec_of(self, case: CaseRecord) -> ProtocolSpec:
        return self._spec(case.protocol_id, case.protocol_version)

    def protocol(self, protocol_id: str, version: int) -> ProtocolSpec:
        """The exact definition cases on this version are decided by (see ``_spec``)."""
        return self._spec(protocol_id, version)

    def _spec(self, protocol_id: str, version: int) -> ProtocolSpec:
        """The exact definition cases on this version started on.

        That is the file's, unless the file was changed without a version bump (or removed):
        then the definition stored when the first case started. Checked once per version.
        """
        key = (protocol_id, version)
        found = self._pinned.get(key)
        if found is not None:
            return found
        from_file = self.registry.find(protocol_id, version)
        stored = self.store.pinned_protocol(protocol_id, version)
        if stored is None:
            from_file = from_file or self.protocols().find(protocol_id, version)
            if from_file is None:
                raise NotFoundError(f"protocol '{protocol_id}' versie {version} is onbekend")
            spec = from_file
        elif from_file is not None and definition_digest(from_file) == stored[0]:
            spec = from_file
        else:
            spec = ProtocolSpec.model_validate(stored[1])
        self._pinned[key] = spec
        return spec

    def person_id(self, ref: str | int) -> int:
        """The id of a person given by id or e-mail address."""
        if isinstance(ref, int):
            return ref
        return self.store.person(ref).id

    def partnership_id(self, ref: str | int | None) -> int | None:
        """The id of a partnership given by code or id; None stays None (all partnerships)."""
        return None if ref is None else self.store.partnership(ref).id
