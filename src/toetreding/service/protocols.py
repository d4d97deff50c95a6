"""Publishing protocol versions in the app: the next version from text an administrator
wrote, checked like a file, kept unchanged; and the text of any version."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from toetreding._exceptions import DefinitionError, NotFoundError
from toetreding.clock import as_aware
from toetreding.definition import ProtocolSpec, earlier_problems, load_protocol_text
from toetreding.formats import locate
from toetreding.service._base import ServiceBase
from toetreding.store import PublishedRecord, definition_digest


class ProtocolService(ServiceBase):
    """Publish a protocol version; read a version's text."""

    def publish_protocol(
        self,
        text: str,
        *,
        by: str | int | None = None,
        filename: str = "protocol",
        at: datetime | None = None,
    ) -> ProtocolSpec:
        """Check ``text`` and store it as the next version of its protocol.

        Raises :class:`DefinitionError` (every problem with its line) and stores nothing when
        the text is wrong or its ``version`` is not the one after the newest.
        """
        spec = self.check_protocol_text(text, filename)
        newest = max((s.version for s in self.protocols().all() if s.id == spec.id), default=0)
        if spec.version != newest + 1:
            what = f"de nieuwste is {newest}" if newest else "het protocol is nieuw"
            message = f"moet {newest + 1} zijn ({what}); een versie verandert nooit meer"
            raise DefinitionError(locate(text, filename, [(("version",), message)]))
        person = None if by is None else self.person_id(by)
        self.store.published.add(
            PublishedRecord(
                protocol_id=spec.id,
                version=spec.version,
                text=text,
                digest=definition_digest(spec),
                published_at=as_aware(at) if at else self.clock.now(),
                published_by=person,
            )
        )
        return spec

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
