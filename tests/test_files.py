"""Files as the domain sees them: kinds told from the bytes (never the name), safe names,
staging that counts and stops at the limit, ``multiple`` in the protocol format, and what
a document input accepts."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from toetreding import FileRefused, FileTooLarge, MissingInput
from toetreding.clock import LOCAL_TZ
from toetreding.definition import load_protocol_file
from toetreding.files import (
    Attachment,
    StagingWriter,
    content_disposition,
    safe_name,
    sample_pdf,
    stage_chunks,
    stage_path,
)
from toetreding.workflows import Actor, FireRequest, ProtocolMachine

from .helpers import Writer, edit, line_of
from .test_definition_loader import MINIMAL, load_error, only_problem


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(main: str) -> bytes:
    types = f'<Types><Override PartName="/x.xml" ContentType="{main}"/></Types>'
    return zipped({"[Content_Types].xml": types.encode(), "x.xml": b"<x/>"})


WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACROS = "application/vnd.ms-word.document.macroEnabled.main+xml"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)

ACCEPTED = [
    ("verslag.pdf", sample_pdf("Verslag"), "application/pdf", "verslag.pdf"),
    ("foto.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png", "foto.png"),
    ("foto.jpg", b"\xff\xd8\xff\xe0" + bytes(100), "image/jpeg", "foto.jpg"),
    ("foto.gif", b"GIF89a" + bytes(100), "image/gif", "foto.gif"),
    ("foto.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(100), "image/webp", "foto.webp"),
    ("plan.docx", ooxml(WORD), WORD.removesuffix(".main+xml"), "plan.docx"),
    ("cijfers.xlsx", ooxml(EXCEL), EXCEL.removesuffix(".main+xml"), "cijfers.xlsx"),
    (
        "plan.odt",
        zipped({"mimetype": b"application/vnd.oasis.opendocument.text"}),
        "application/vnd.oasis.opendocument.text",
        "plan.odt",
    ),
    (
        "cijfers.ods",
        zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        "application/vnd.oasis.opendocument.spreadsheet",
        "cijfers.ods",
    ),
    ("oud.doc", OLE2, "application/msword", "oud.doc"),
    ("oud.xls", OLE2, "application/vnd.ms-excel", "oud.xls"),
    # The kind comes from the bytes: a PDF named .docx is a PDF (and is named so).
    ("stiekem.docx", sample_pdf("Toch een PDF"), "application/pdf", "stiekem.docx.pdf"),
]


@pytest.mark.parametrize(("name", "data", "media_type", "kept_as"), ACCEPTED)
def test_accepted_kinds_are_told_from_their_bytes(
    tmp_path: Path, name: str, data: bytes, media_type: str, kept_as: str
) -> None:
    staged = stage_chunks(tmp_path, name, [data], 10_000_000)
    assert (staged.media_type, staged.name, staged.size) == (media_type, kept_as, len(data))


REFUSED = [
    ("verslag.pdf", b"MZ\x90\x00" + bytes(300), "een Windows-programma (.exe/.dll)"),
    ("verslag.pdf", b"\x7fELF\x02\x01" + bytes(300), "een Linux-programma (ELF)"),
    ("verslag.pdf", b"\xcf\xfa\xed\xfe" + bytes(300), "een macOS-programma"),
    ("run.pdf", b"#!/bin/sh\nrm -rf /\n", "een script"),
    ("pagina.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "een webpagina (HTML)"),
    ("plaatje.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "een XML- of SVG-bestand"),
    ("leeg.pdf", b"", "een leeg bestand"),
    ("archief.pdf", zipped({"a.exe": b"MZ"}), "een ZIP-archief"),
    ("setup.doc.pdf", OLE2, "een OLE2-bestand"),
    ("plan.docm", ooxml(MACROS), "een Office-bestand met macro's"),
    (
        "dia.odp",
        zipped({"mimetype": b"application/vnd.oasis.opendocument.presentation"}),
        "OpenDocument-bestand van een soort die niet wordt aangenomen",
    ),
]


@pytest.mark.parametrize(("name", "data", "found"), REFUSED)
def test_other_kinds_are_refused_saying_what_was_found_and_nothing_is_kept(
    tmp_path: Path, name: str, data: bytes, found: str
) -> None:
    with pytest.raises(FileRefused) as info:
        stage_chunks(tmp_path, name, [data], 10_000_000)
    assert f"'{name}' is {found}" in str(info.value) or found in str(info.value)
    assert "Toegestaan zijn PDF, Word (.docx, .doc)" in str(info.value) or "toegestaan" in str(
        info.value
    )
    assert list(tmp_path.iterdir()) == []


def test_staging_stops_at_the_limit_without_holding_the_file(tmp_path: Path) -> None:
    chunk = sample_pdf("Groot")[:1000].ljust(65536, b"x")
    writer = StagingWriter(tmp_path, "groot.pdf", 1_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(FileTooLarge, match=r"'groot\.pdf' is groter dan 1 MB"):
            for _ in range(200):  # 13 MB offered
                writer.write(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert writer.size <= 1_000_000 + len(chunk)  # stopped at the first chunk past the limit
    assert peak < 500_000
    assert list(tmp_path.iterdir()) == []


def test_a_path_is_checked_for_size_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "groot.pdf"
    with big.open("wb") as out:
        out.write(sample_pdf("Groot"))
        out.truncate(5_000_000)
    staging = tmp_path / "staging"
    with pytest.raises(FileTooLarge):
        stage_path(staging, big, 1_000_000)
    assert not staging.exists() or list(staging.iterdir()) == []
    with pytest.raises(FileRefused, match="bestaat niet of is geen bestand"):
        stage_path(staging, tmp_path / "nergens.pdf", 1_000_000)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\sam\\Zelfevaluatie 2026.pdf", "Zelfevaluatie 2026.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
        ("..verborgen.pdf", "verborgen.pdf"),
        ("regel\r\neinde.pdf", "regel__einde.pdf"),
        ("Oriënterend gesprek.pdf", "Oriënterend gesprek.pdf"),
        ("", "bestand.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_names_are_made_safe_to_keep_and_hand_out(given: str, kept: str) -> None:
    from toetreding.files.kinds import PDF

    assert safe_name(given, PDF) == kept


def test_content_disposition_carries_the_exact_name_and_an_ascii_fallback() -> None:
    header = content_disposition('Oriënterend "gesprek".pdf', inline=True)
    assert header.startswith('inline; filename="Orienterend gesprek.pdf"; ')
    assert "filename*=UTF-8''Ori%C3%ABnterend%20%22gesprek%22.pdf" in header
    assert content_disposition("a.docx", inline=False).startswith("attachment;")


# --- the protocol format and the machine -------------------------------------------------------

WITH_DOCUMENT = edit(
    MINIMAL,
    "    roles: [coordinator]\n",
    "    roles: [coordinator]\n    inputs:\n"
    "      - {name: portfolio, kind: document, label: Portfolio, multiple: true}\n"
    "      - {name: verslag, kind: document, label: Verslag, required: false}\n",
)


def test_multiple_is_only_for_document_inputs_and_named_with_its_line(write: Writer) -> None:
    text = edit(WITH_DOCUMENT, "label: Verslag, required: false}", "label: V, multiple: true}")
    text = edit(text, "{name: verslag, kind: document", "{name: verslag, kind: text")
    problem = only_problem(load_error(write(text)))
    assert problem.key == "transitions[0] (afronden).inputs[1] (verslag).multiple"
    assert problem.line == line_of(text, "{name: verslag, kind: text")
    assert "'multiple' kan alleen bij een invoer van soort 'document'" in problem.message


def test_multiple_leaves_the_definition_of_protocols_without_it_unchanged(write: Writer) -> None:
    spec = load_protocol_file(write(WITH_DOCUMENT))
    dumped = spec.model_dump(mode="json", by_alias=True)
    assert [i.get("multiple") for i in dumped["transitions"][0]["inputs"]] == [True, None]


def attached(name: str) -> Attachment:
    return Attachment(name, "application/pdf", 10, "a" * 64)


def decide(write: Writer, **inputs: object) -> dict[str, object]:
    machine = ProtocolMachine(load_protocol_file(write(WITH_DOCUMENT)))
    actor = Actor(1, "Coco", frozenset({"coordinator"}))
    request = FireRequest("afronden", actor, datetime(2026, 9, 1, tzinfo=LOCAL_TZ), inputs)
    return machine.decide(1, "start", request).payload


def test_a_document_input_takes_files_several_only_where_the_protocol_says_so(
    write: Writer,
) -> None:
    payload = decide(write, portfolio=[attached("a.pdf"), attached("b.pdf")])
    assert [e["name"] for e in payload["portfolio"]] == ["a.pdf", "b.pdf"]  # type: ignore[index, union-attr]
    with pytest.raises(MissingInput, match="'Verslag': neemt één bestand; er zijn er 2 gekozen"):
        decide(write, portfolio=[attached("a.pdf")], verslag=[attached("1"), attached("2")])
    with pytest.raises(MissingInput, match=r"'Portfolio': vraagt een bestand; alleen een naam"):
        decide(write, portfolio="portfolio.pdf")
    with pytest.raises(MissingInput, match="'Portfolio' ontbreekt"):
        decide(write, portfolio=[])
