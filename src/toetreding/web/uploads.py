"""Receiving a form with files (``multipart/form-data``), for the pages and the API.

The request body is read as it arrives and never held whole: every file part is written
through the service's staging (``Toetreding.new_upload``), which counts, hashes and stops at
the size limit per file; a ``Content-Length`` larger than a whole request may be is refused
before a byte is read, and so is a body that grows past it while streaming. A file that is
too large or of a type that is not accepted is dropped at once (nothing of it is kept) and
reported in ``refused``, so the page can say so and show again what was typed; the rest of
the form is still read. Text fields are limited in number and size.

``before_files`` runs when the first file part begins (the pages check the form's CSRF
token there, so nothing is written for a forged request). ``receive_once`` keeps what was
received on the request, so the API's ``Idempotency-Key`` check (which needs the form's
meaning before the route runs) and the route read the body only once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from toetreding._exceptions import FileRefused, FileTooLarge, InvalidInputError
from toetreding.files import StagedFile, StagingWriter, describe_size

MAX_FILES = 20  # per request
MAX_FIELDS = 200
MAX_FIELD_BYTES = 1_000_000  # a text field (a long motivation fits easily)
SLACK = 1_000_000  # a request's headers and text fields besides its files

NewUpload = Callable[[str], StagingWriter]


@dataclass
class Received:
    """What a form brought: its text fields, the files kept in staging per field, the names
    of the files chosen per field, and why files were not kept."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[StagedFile]] = field(default_factory=dict)
    chosen: dict[str, list[str]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    too_large: bool = False

    def text(self, name: str) -> str:
        values = self.fields.get(name)
        return values[0].strip() if values else ""

    def step_inputs(self) -> dict[str, Any]:
        """A step's inputs from a step form: typed values (``invoer_``), new files
        (``bestand_``) and files already in the dossier (``bestaand_``, by number)."""
        inputs: dict[str, Any] = {
            key[len("invoer_") :]: self.text(key)
            for key in self.fields
            if key.startswith("invoer_") and self.text(key)
        }
        for key, files in self.files.items():
            if key.startswith("bestand_") and files:
                inputs[key[len("bestand_") :]] = list(files)
        for key, values in self.fields.items():
            chosen = [int(v) for v in values if v.strip().isascii() and v.strip().isdigit()]
            if key.startswith("bestaand_") and chosen:
                name = key[len("bestaand_") :]
                inputs[name] = [*inputs.get(name, []), *chosen]
        return inputs

    def staged(self) -> list[StagedFile]:
        return [file for files in self.files.values() for file in files]

    def discard(self) -> None:
        """Drop every staged file (those a step kept were moved already)."""
        for file in self.staged():
            file.discard()


def request_limit(max_bytes: int) -> int:
    """The most a request with files may carry."""
    return max_bytes * MAX_FILES + SLACK


async def receive(
    request: Request,
    new_upload: NewUpload,
    max_bytes: int,
    before_files: Callable[[Received], None] | None = None,
) -> Received:
    """Read a ``multipart/form-data`` (or a plain form) request as it streams in."""
    content_type = request.headers.get("content-type", "")
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        return await _plain_form(request)
    limit = request_limit(max_bytes)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _request_too_large(limit)
    boundary = options.get(b"boundary")
    if not boundary:
        raise InvalidInputError("ongeldige aanvraag: het formulier mist zijn grens (boundary)")
    reader = _Reader(new_upload, before_files)
    parser = MultipartParser(boundary, reader.callbacks())
    seen = 0
    try:
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > limit:
                raise _request_too_large(limit)
            parser.write(chunk)
            reader.check()
        parser.finalize()
        reader.check()
        reader.finish_all()
    except BaseException as error:
        reader.abort()
        if isinstance(error, MultipartParseError):
            raise InvalidInputError("ongeldige aanvraag: het formulier is niet leesbaar") from None
        raise
    return reader.received


async def receive_once(request: Request, new_upload: NewUpload, max_bytes: int) -> Received:
    """:func:`receive`, once per request: a second caller gets what the first received."""
    found = getattr(request.state, "received", None)
    if isinstance(found, Received):
        return found
    received = await receive(request, new_upload, max_bytes)
    request.state.received = received
    return received


async def _plain_form(request: Request) -> Received:
    try:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
    except Exception:
        raise InvalidInputError("ongeldige aanvraag: het formulier is niet leesbaar") from None
    received = Received()
    for key, value in form.multi_items():
        if isinstance(value, str):
            received.fields.setdefault(key, []).append(value)
    return received


def _request_too_large(limit: int) -> FileTooLarge:
    return FileTooLarge(
        f"de aanvraag is groter dan {describe_size(limit)}; er is niets van bewaard. "
        f"Per keer kunnen ten hoogste {MAX_FILES} bestanden mee"
    )


class _Reader:
    """The parser's callbacks: one part at a time, into a text field or a staging file."""

    def __init__(self, new_upload: NewUpload, before_files: Callable[[Received], None] | None):
        self.new_upload = new_upload
        self.before_files = before_files
        self.received = Received()
        self._name = b""
        self._value = b""
        self._headers: dict[bytes, bytes] = {}
        self._field: str | None = None
        self._data = bytearray()
        self._file: StagingWriter | None = None
        self._file_field = ""
        self._pending: list[tuple[str, StagingWriter]] = []
        self._error: BaseException | None = None
        self._files_begun = 0

    def callbacks(self) -> Any:  # python_multipart's MultipartCallbacks (a TypedDict)
        return {
            "on_part_begin": self._part_begin,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
        }

    def check(self) -> None:
        """Raise what a callback found (callbacks cannot stop the parser themselves)."""
        if self._error is not None:
            raise self._error

    def _part_begin(self) -> None:
        self._headers, self._field, self._file, self._data = {}, None, None, bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._name.lower()] = self._value
        self._name, self._value = b"", b""

    def _headers_finished(self) -> None:
        if self._error is not None:
            return
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            if sum(len(v) for v in self.received.fields.values()) >= MAX_FIELDS:
                self._error = InvalidInputError("ongeldige aanvraag: te veel velden")
            self._field = name
            return
        filename = options[b"filename"].decode("utf-8", "replace")
        self._file_field = name
        if not filename:
            return  # a file input left empty: browsers send an empty part
        if self._files_begun == 0 and self.before_files is not None:
            try:
                self.before_files(self.received)
            except BaseException as error:
                self._error = error
                return
        self._files_begun += 1
        if self._files_begun > MAX_FILES:
            self._error = InvalidInputError(f"te veel bestanden; ten hoogste {MAX_FILES} per keer")
            return
        self.received.chosen.setdefault(name, []).append(filename)
        self._file = self.new_upload(filename)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._error is not None:
            return
        if self._field is not None:
            self._data += data[start:end]
            if len(self._data) > MAX_FIELD_BYTES:
                self._error = InvalidInputError(
                    f"ongeldige aanvraag: veld '{self._field}' is te lang"
                )
        elif self._file is not None:
            try:
                self._file.write(data[start:end])
            except FileTooLarge as error:  # dropped already; the rest of the part is skipped
                self.received.refused.append(str(error))
                self.received.too_large = True
                self._file = None

    def _part_end(self) -> None:
        if self._error is not None:
            return
        if self._field is not None:
            value = self._data.decode("utf-8", "replace")
            self.received.fields.setdefault(self._field, []).append(value)
        elif self._file is not None:
            self._pending.append((self._file_field, self._file))
        self._field, self._file = None, None

    def finish_all(self) -> None:
        """Check every file that came in whole (its kind, told from its bytes)."""
        pending, self._pending = self._pending, []
        for name, writer in pending:
            try:
                staged = writer.finish()
            except FileRefused as error:
                self.received.refused.append(str(error))
                continue
            self.received.files.setdefault(name, []).append(staged)

    def abort(self) -> None:
        for _, writer in self._pending:
            writer.discard()
        if self._file is not None:
            self._file.discard()
        self.received.discard()
