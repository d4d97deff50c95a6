"""Publishing protocol versions in the app: the next version from text an administrator
wrote, checked like a file, kept unchanged; and the text of any version.

Whose protocol: a new protocol (an id neither shipped nor published) is published for one
partnership, and all its later versions stay that partnership's (only its cases use it, only
its people see it). A new version of a shipped protocol, or of one published before
protocols had owners, is shared: it applies to every partnership, so it is published for
none; a partnership that wants its own variant publishes it under a new id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from toetreding._exceptions import DefinitionError, InvalidInputError, NotFoundError
from toetreding.clock import as_aware
from toetreding.definition import ProtocolSpec, earlier_problems, load_protocol_text
from toetreding.formats import KeyPath, locate
from toetreding.service._base import ServiceBase
from toetreding.store import PublishedRecord, definition_digest


def use_words(partnership_name: str, title: str, used: bool) -> str:
    """What choosing a shared protocol's use did, in one sentence (CLI and page)."""
    now = "gebruikt" if used else "gebruikt niet langer"
    return f"{partnership_name} {now} '{title}' voor nieuwe dossiers."


@dataclass(frozen=True)
class ListedProtocol:
    """A protocol version in a list: whose it is (None: shared by all) and which
    partnerships chose not to use it (a shared one) for new cases."""

    spec: ProtocolSpec
    owner: str | None
    left_out_by: tuple[str, ...]


class ProtocolService(ServiceBase):
    """Publish a protocol version; read a version's text."""

    def publish_protocol(
        self,
        text: str,
        *,
        by: str | int | None = None,
        filename: str = "protocol",
        at: datetime | None = None,
        partnership: str | int | None = None,
    ) -> ProtocolSpec:
        """Check ``text`` and store it as the next version of its protocol.

        Raises :class:`DefinitionError` (every problem with its line) and stores nothing when
        the text is wrong or its ``version`` is not the one after the newest;
        :class:`InvalidInputError` when ``partnership`` (code or id) does not fit the
        protocol: required for a new one, the owner's for an owned one, none for a shared one.
        """
        spec = self.check_protocol_text(text, filename)
        newest = self.check_next_version(spec, text, filename)
        owners = self.protocols_and_owners()[1]
        owner = self._owner_for(spec, newest, owners.get(spec.id), self.partnership_id(partnership))
        what = "protocollen publiceren"
        person = None if by is None else self.require_administrator(by, what, owner)
        self.store.published.add(
            PublishedRecord(
                protocol_id=spec.id,
                version=spec.version,
                text=text,
                digest=definition_digest(spec),
                published_at=as_aware(at) if at else self.clock.now(),
                published_by=person,
                partnership_id=owner,
            )
        )
        return spec

    def check_next_version(self, spec: ProtocolSpec, text: str, filename: str) -> int:
        """The newest version of the protocol of ``spec`` (0: none), when ``spec`` may be
        published after it: the next number, moving cases from the newest (else those cases
        could never move on). Raises :class:`DefinitionError` on the line; Protocolbeheer's
        check calls this too, so it passes exactly what publishing accepts."""
        newest = max((s.version for s in self.protocols().all() if s.id == spec.id), default=0)
        found: list[tuple[KeyPath, str]] = []
        if spec.version != newest + 1:
            what = f"de nieuwste is {newest}" if newest else "het protocol is nieuw"
            message = f"moet {newest + 1} zijn ({what}); een versie verandert nooit meer"
            found.append((("version",), message))
        elif newest and spec.migration and spec.migration.from_version != newest:
            found.append((
                ("migration", "from"),
                f"moet {newest} zijn, de nieuwste versie: anders kunnen de lopende dossiers op "
                f"versie {newest} nooit naar versie {spec.version} over",
            ))  # fmt: skip
        if found:
            raise DefinitionError(locate(text, filename, found))
        return newest

    def _owner_for(
        self, spec: ProtocolSpec, newest: int, owner: int | None, given: int | None
    ) -> int | None:
        """The partnership the new version belongs to, or a Dutch refusal (see the module)."""
        if newest == 0:
            if given is None:
                raise InvalidInputError(
                    f"'{spec.title}' is een nieuw protocol: kies het partnerschap waarvoor "
                    "het is (alleen dat partnerschap ziet en gebruikt het)"
                )
            return given
        if owner is None and given is not None:
            raise InvalidInputError(
                f"protocol '{spec.title}' is gedeeld door alle partnerschappen: een nieuwe "
                "versie geldt voor iedereen (kies geen partnerschap); een eigen variant "
                "publiceert u onder een nieuwe id"
            )
        if owner is not None and given is not None and given != owner:
            raise InvalidInputError(
                f"protocol '{spec.title}' is van {self.store.partnership(owner).name}; alleen "
                "dat partnerschap publiceert er nieuwe versies van (een eigen variant "
                "publiceert u onder een nieuwe id)"
            )
        return owner

    def check_protocol_text(self, text: str, filename: str = "protocol") -> ProtocolSpec:
        """Load ``text`` like a file, and check its ``migration`` against the earlier version
        it names when that version is known here; raises :class:`DefinitionError`."""
        spec = load_protocol_text(text, filename)
        self.check_against_earlier(spec, text, filename)
        return spec

    def check_against_earlier(self, spec: ProtocolSpec, text: str, filename: str) -> None:
        """Raise :class:`DefinitionError` when the ``migration`` of ``spec`` (loaded from
        ``text``) does not fit the earlier version it names, if that version is known here."""
        if spec.migration is None:
            return
        try:  # also a version whose file is gone, as its cases started on it
            earlier: ProtocolSpec | None = self.protocol(spec.id, spec.migration.from_version)
        except NotFoundError:
            earlier = None
        problems = earlier_problems(spec, earlier, text, filename)
        if problems:
            raise DefinitionError(problems)

    def protocol_text(self, protocol_id: str, version: int | None = None) -> str:
        """The text of a version (the newest when None): as published, or the shipped file."""
        spec = self.protocols().get(protocol_id, version)
        for record in self.store.published.all():
            if (record.protocol_id, record.version) == spec.key:
                return record.text
        source = self.registry.source_of(spec)
        if source is None:
            raise NotFoundError(f"van protocol '{spec.id}' versie {spec.version} is geen tekst")
        return Path(source).read_text(encoding="utf-8")

    def protocol_listing(self, partnership_ref: str | int | None = None) -> list[ListedProtocol]:
        """Every protocol version with its owner and who leaves it out; for one partnership
        only those it can use (as its people see them: ``visible_protocols``)."""
        names = {p.id: p.name for p in self.store.partnerships()}
        _, owners = self.protocols_and_owners()
        left_out = self.left_out_protocols()
        scope = None
        if partnership_ref is not None:
            scope = {self.store.partnership(partnership_ref).id or 0}
        return [
            ListedProtocol(
                spec,
                None if owners.get(spec.id) is None else names.get(owners[spec.id] or 0, "?"),
                tuple(sorted(names.get(p, "?") for p, ids in left_out.items() if spec.id in ids)),
            )
            for spec in self.visible_protocols(scope)
        ]

    # --- which shared protocols a partnership uses -----------------------------------------

    def protocol_uses(self, partnership_ref: str | int) -> list[tuple[ProtocolSpec, bool]]:
        """The newest version of every shared protocol, and whether the partnership uses it
        (its own protocols it always uses)."""
        partnership_id = self.store.partnership(partnership_ref).id
        registry, owners = self.protocols_and_owners()
        left_out = self.store.protocol_uses.left_out(partnership_id).get(partnership_id, set())
        newest = {spec.id: spec for spec in registry.all() if owners.get(spec.id) is None}
        return [(spec, spec.id not in left_out) for _, spec in sorted(newest.items())]

    def use_protocol(
        self,
        partnership_ref: str | int,
        protocol_id: str,
        *,
        used: bool,
        by: str | int | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Whether the partnership opens new cases on a shared protocol from now on; running
        cases go on. False when that was so already."""
        partnership_id = self.store.partnership(partnership_ref).id or 0
        # Who may comes first: a refusal must not tell whether another partnership has a
        # protocol of that name, nor its title.
        what = "kiezen welke protocollen het partnerschap gebruikt"
        person = None if by is None else self.require_administrator(by, what, partnership_id)
        self.require_visible_protocol(protocol_id, {partnership_id})
        registry, owners = self.protocols_and_owners()
        spec = registry.get(protocol_id)  # NotFoundError
        if owners.get(protocol_id) is not None:
            raise InvalidInputError(
                f"protocol '{spec.title}' is een eigen protocol van dit partnerschap; alleen "
                "gedeelde protocollen kunnen worden aan- of uitgezet"
            )
        now_used = {s.id: u for s, u in self.protocol_uses(partnership_id)}[protocol_id]
        if now_used == used:
            return False
        moment = as_aware(at) if at else self.clock.now()
        self.store.protocol_uses.choose(partnership_id, protocol_id, used, person, moment)
        return True
