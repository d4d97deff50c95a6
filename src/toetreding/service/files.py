"""The files of a dossier: staging uploads, reading the dossier's files, adding a new
version of an artefact, and turning what a step's ``document`` inputs were given (uploads,
files already in the dossier) into attachments the protocol's machine checks.

Uploaded files are "files" (bestanden); the letters and reports toetreding makes itself are
"documents" (``toetreding.documents``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from toetreding._exceptions import InvalidInputError
from toetreding.clock import as_aware
from toetreding.definition import InputKind, ProtocolSpec
from toetreding.files import (
    Attachment,
    FileEntry,
    NoSuchFile,
    StagedFile,
    StagingWriter,
    legacy_name,
    stage_chunks,
    stage_path,
)
from toetreding.service._base import ServiceBase
from toetreding.store import CaseFilePublic, CaseRecord, Uploader


@dataclass(frozen=True)
class NameOnly:
    """A document name typed before files were kept: shown, but there is no file."""

    entry: FileEntry
    seq: int  # the history row
    trigger: str
    at: datetime
    actor_name: str | None


@dataclass(frozen=True)
class ArtefactFiles:
    """Everything the dossier holds of one artefact (a ``document`` input of the protocol):
    its files, newest version first, and names recorded without a file."""

    artefact: str
    label: str
    files: list[CaseFilePublic] = field(default_factory=list)
    names_only: list[NameOnly] = field(default_factory=list)

    @property
    def latest(self) -> list[CaseFilePublic]:
        """The files of the newest version (several when it was submitted as several)."""
        if not self.files:
            return []
        newest = self.files[0].version
        return [f for f in self.files if f.version == newest]


class FileService(ServiceBase):
    """Uploads in and files out; the rules of who may add a version of what."""

    # --- staging ------------------------------------------------------------------------

    def new_upload(self, name: str) -> StagingWriter:
        """A writer for one upload named ``name``, counted against the limit as it streams."""
        return StagingWriter(self.store.file_store.staging_folder(), name, self.max_upload_bytes)

    def stage_bytes(self, name: str, data: bytes) -> StagedFile:
        """An upload given whole (the demo's and simulator's generated files, tests)."""
        return stage_chunks(
            self.store.file_store.staging_folder(), name, [data], self.max_upload_bytes
        )

    def stage_file(self, path: Path) -> StagedFile:
        """The file at ``path`` (the command line's ``--doc PAD``)."""
        return stage_path(self.store.file_store.staging_folder(), path, self.max_upload_bytes)

    # --- reading ------------------------------------------------------------------------

    def case_files(self, case_id: int) -> list[CaseFilePublic]:
        """Every file of the case, per artefact the newest version first."""
        return self.store.case_files(case_id)

    def case_file(self, case_id: int, file_id: int) -> CaseFilePublic:
        return self.store.case_file(case_id, file_id)

    def file_content(self, case_id: int, file_id: int) -> tuple[CaseFilePublic, Iterator[bytes]]:
        """A file of the case and its bytes, in chunks."""
        record = self.store.case_file(case_id, file_id)
        return record, self.store.file_content(record)

    def dossier_files(self, case_id: int) -> list[ArtefactFiles]:
        """The case's files grouped by artefact, in the protocol's order, with the names
        recorded before files were kept."""
        case = self.store.case(case_id)
        spec = self.spec_of(case)
        labels = artefact_labels(spec)
        grouped: dict[str, ArtefactFiles] = {}

        def group(name: str) -> ArtefactFiles:
            if name not in grouped:
                grouped[name] = ArtefactFiles(name, labels.get(name, name.replace("_", " ")))
            return grouped[name]

        for record in self.store.case_files(case_id):
            group(record.artefact).files.append(record)
        for event in self.store.history(case_id):
            for name, value in event.payload.items():
                entry = legacy_name(value) if name in labels else None
                if entry is not None:
                    named = NameOnly(entry, event.seq, event.trigger, event.at, event.actor_name)
                    group(name).names_only.append(named)
        order = {name: index for index, name in enumerate(labels)}
        return sorted(
            grouped.values(), key=lambda g: (order.get(g.artefact, len(order)), g.artefact)
        )

    # --- a new version on its own -------------------------------------------------------

    def deliverable(self, case_id: int, person_id: int) -> list[tuple[str, str, bool]]:
        """The artefacts this person may add a version of in this case: (name, label,
        several files at once), for whoever holds a role of a step that delivers it."""
        loaded = self.store.case_for_actor(case_id, person_id)
        if loaded.case.closed_at is not None:
            return []
        spec = self.spec_of(loaded.case)
        found: dict[str, bool] = {}
        for transition in spec.transitions:
            if not loaded.roles & set(transition.roles):
                continue
            for spec_input in transition.inputs:
                if spec_input.kind is InputKind.DOCUMENT:
                    found[spec_input.name] = (
                        found.get(spec_input.name, False) or spec_input.multiple
                    )
        labels = artefact_labels(spec)
        return [(name, labels[name], found[name]) for name in labels if name in found]

    def add_version(
        self,
        case_id: int,
        artefact: str,
        staged: Sequence[StagedFile],
        *,
        actor_ref: str | int,
        role: str | None = None,
        at: datetime | None = None,
    ) -> list[CaseFilePublic]:
        """Add a new version of ``artefact`` (without taking a step): for whoever holds a
        role of a step that delivers it. Older versions stay; the files are discarded from
        staging either way."""
        try:
            if not staged:
                raise InvalidInputError("kies een bestand")
            person_id = self.person_id(actor_ref)
            loaded = self.store.case_for_actor(case_id, person_id)
            spec = self.spec_of(loaded.case)
            if loaded.case.closed_at is not None:
                raise InvalidInputError(f"dossier {case_id} is afgesloten")
            inputs = [
                (t, i)
                for t in spec.transitions
                for i in t.inputs
                if i.name == artefact and i.kind is InputKind.DOCUMENT
            ]
            if not inputs:
                known = ", ".join(artefact_labels(spec)) or "geen"
                raise InvalidInputError(
                    f"'{artefact}' is geen stuk van dit protocol; stukken: {known}"
                )
            allowed = sorted({r for t, _ in inputs for r in t.roles})
            held = [r for r in allowed if r in loaded.roles and (role is None or r == role)]
            if not held:
                label = artefact_labels(spec)[artefact]
                raise InvalidInputError(
                    f"'{label}' wordt ingediend door {', '.join(allowed)}; "
                    f"{loaded.actor_name} heeft die rol niet in dit dossier"
                )
            if len(staged) > 1 and not any(i.multiple for _, i in inputs):
                raise InvalidInputError(
                    f"'{artefact_labels(spec)[artefact]}' neemt één bestand; "
                    f"er zijn er {len(staged)} gekozen"
                )
            moment = as_aware(at) if at else self.clock.now()
            return self.store.add_files(
                case_id, artefact, staged, Uploader(person_id, held[0], moment)
            )
        finally:
            for file in staged:
                file.discard()

    # --- a step's document inputs -------------------------------------------------------

    def attachments(
        self, case: CaseRecord, spec: ProtocolSpec, trigger: str, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``inputs`` with what the step's document inputs were given made attachments:
        an upload (:class:`StagedFile`) a new file, a number a file already in this dossier
        (of the same artefact). Other inputs are left as they are."""
        documents = self.machines.machine(spec).document_inputs(trigger)
        result = dict(inputs)
        for name, value in inputs.items():
            items = value if isinstance(value, list | tuple) else [value]
            if name in documents and all(isinstance(v, StagedFile | int) for v in items):
                result[name] = [self._attachment(case, name, v) for v in items]
            elif any(isinstance(v, StagedFile) for v in items):
                result[name] = [
                    Attachment.new(v) if isinstance(v, StagedFile) else v for v in items
                ]
        return result

    def _attachment(
        self, case: CaseRecord, artefact: str, given: StagedFile | int
    ) -> Attachment | NoSuchFile:
        """An upload, or a file of this dossier; what is not there the step refuses."""
        if isinstance(given, StagedFile):
            return Attachment.new(given)
        found = self.store.attachment_of(case.id, given)
        if found is None:
            return NoSuchFile(f"bestand {given} bestaat niet in dossier {case.id}")
        if found.artefact != artefact:
            return NoSuchFile(f"bestand {given} is een '{found.artefact}', geen '{artefact}'")
        return found


def new_files(inputs: Mapping[str, Any], payload: Mapping[str, Any]) -> dict[str, list[StagedFile]]:
    """The uploads among ``inputs`` that the decided step keeps (its payload names them)."""
    found: dict[str, list[StagedFile]] = {}
    for name, value in inputs.items():
        if name in payload and isinstance(value, list):
            staged = [v.staged for v in value if isinstance(v, Attachment) and v.staged]
            if staged:
                found[name] = staged
    return found


def staged_in(inputs: Mapping[str, Any] | None) -> list[StagedFile]:
    """Every upload given in ``inputs`` (to be discarded from staging when done)."""
    found = []
    for value in (inputs or {}).values():
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, StagedFile):
                found.append(item)
    return found


def artefact_labels(spec: ProtocolSpec) -> dict[str, str]:
    """The protocol's document inputs by name, in order, with their Dutch label (the
    artefact's where a state declares one of that name, else the input's)."""
    declared = {a.name: a.label for state in spec.states.values() for a in state.artefacts}
    labels: dict[str, str] = {}
    for transition in spec.transitions:
        for spec_input in transition.inputs:
            if spec_input.kind is InputKind.DOCUMENT and spec_input.name not in labels:
                labels[spec_input.name] = declared.get(spec_input.name, spec_input.label)
    return labels
