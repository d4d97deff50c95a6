"""Files through the command line: ``case fire --doc PAD`` uploads, ``file get`` gives the
same bytes back, ``file list`` and ``file add``; on SQLite with the files on disk, and on the
local PostgreSQL server with the files in the database."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from toetreding.files import sample_pdf

from .conftest import postgres_schema
from .helpers import run, run_json
from .test_cli import pdf_file, register


@pytest.fixture(
    params=["sqlite-disk", pytest.param("postgres-database", marks=pytest.mark.postgres)]
)
def where(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> object:
    """The database (and file store) the CLI uses: a SQLite file with ``bestanden/`` next to
    it, or a fresh PostgreSQL schema with TOETREDING_FILE_STORE=database."""
    if request.param == "sqlite-disk":
        monkeypatch.setenv("TOETREDING_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        yield tmp_path / "bestanden"
        return
    with postgres_schema() as url:
        monkeypatch.setenv("TOETREDING_DATABASE_URL", url)
        monkeypatch.setenv("TOETREDING_FILE_STORE", "database")
        yield None


def opened(tmp_path: Path) -> None:
    register(tmp_path / "cli.db")
    run("case", "open", "--school", "20AB", "--protocol", "partnerschap2", "--as", "carla@p2.nl")


def test_a_file_uploaded_with_a_step_comes_back_byte_for_byte(
    where: Path | None, tmp_path: Path
) -> None:
    opened(tmp_path)
    real = tmp_path / "real.pdf"
    real.write_bytes(sample_pdf("Verslag van het oriënterend gesprek", ["Goed gesprek."] * 40))
    run("case", "fire", "1", "orientatie_afronden", "--as", "carla@p2.nl", "--doc", str(real))
    [listed] = run_json("file", "list", "1")
    assert listed["name"] == "real.pdf" and listed["artefact"] == "verslag_orientatie"
    assert listed["version"] == 1 and listed["uploaded_by_name"] == "Carla"
    back = tmp_path / "terug.pdf"
    missing = tmp_path / "weg" / "f.pdf"
    refused = run("file", "get", "1", str(listed["id"]), "-o", str(missing), code=1)
    assert f"de map '{missing.parent}' bestaat niet" in refused and ".deel" not in refused
    out = run("file", "get", "1", str(listed["id"]), "-o", str(back))
    assert "opgeslagen in" in out and listed["sha256"] in out
    assert (
        hashlib.sha256(back.read_bytes()).hexdigest()
        == hashlib.sha256(real.read_bytes()).hexdigest()
    )
    assert listed["sha256"] == hashlib.sha256(real.read_bytes()).hexdigest()
    if where is not None:  # on disk: the bytes under their digest, nothing left in staging
        assert (where / listed["sha256"][:2] / listed["sha256"][2:4] / listed["sha256"]).is_file()
        assert list((where / ".staging").iterdir()) == []
    shown = run("case", "show", "1")
    assert f"real.pdf (bestand {listed['id']}, versie 1, sha256 {listed['sha256'][:12]}" in shown


def test_a_path_that_does_not_exist_is_an_error_and_changes_nothing(
    where: Path | None, tmp_path: Path
) -> None:
    opened(tmp_path)
    out = run(
        "case", "fire", "1", "orientatie_afronden", "--as", "carla@p2.nl",
        "--doc", str(tmp_path / "bestaat-niet.pdf"), code=1,
    )  # fmt: skip
    assert "bestaat-niet.pdf' bestaat niet of is geen bestand" in out
    assert run_json("case", "show", "1")["state"] == "orientatie"
    assert run_json("file", "list", "1") == []


def test_a_renamed_program_and_a_refused_step_keep_nothing(
    where: Path | None, tmp_path: Path
) -> None:
    opened(tmp_path)
    program = tmp_path / "verslag.pdf"
    program.write_bytes(b"MZ\x90\x00\x03" + bytes(500))
    out = run(
        "case", "fire", "1", "orientatie_afronden", "--as", "carla@p2.nl",
        "--doc", str(program), code=1,
    )  # fmt: skip
    assert "'verslag.pdf' is een Windows-programma" in out and "Toegestaan zijn PDF" in out
    # A real file, but the school may not close the orientation talk: refused, nothing kept.
    out = run(
        "case", "fire", "1", "orientatie_afronden", "--as", "sam@noordik.nl",
        "--doc", pdf_file(tmp_path, "v.pdf"), code=1,
    )  # fmt: skip
    assert "Geweigerd" in out
    assert run_json("file", "list", "1") == []
    if where is not None:
        kept = [p for p in where.rglob("*") if p.is_file() and p.parent.name != ".locks"]
        assert kept == []


def test_a_new_version_keeps_the_old_one_and_a_step_can_use_either(
    where: Path | None, tmp_path: Path
) -> None:
    opened(tmp_path)
    run(
        "case", "fire", "1", "orientatie_afronden", "--as", "carla@p2.nl",
        "--doc", pdf_file(tmp_path, "verslag.pdf"),
    )  # fmt: skip
    out = run(
        "file", "add", "1", "zelfevaluatie", pdf_file(tmp_path, "ze-concept.pdf"),
        "--as", "sam@noordik.nl",
    )  # fmt: skip
    assert "ze-concept.pdf toegevoegd als versie 1 van 'zelfevaluatie' (bestand 2)" in out
    run("file", "add", "1", "zelfevaluatie", pdf_file(tmp_path, "ze.pdf"), "--as", "sam@noordik.nl")
    run(
        "case", "fire", "1", "zelfevaluatie_indienen", "--as", "sam@noordik.nl",
        "--doc", "zelfevaluatie=bestand:3", "--input", "paginas=9",
    )  # fmt: skip
    files = run_json("file", "list", "1")
    assert [(f["name"], f["version"]) for f in files if f["artefact"] == "zelfevaluatie"] == [
        ("ze.pdf", 2),
        ("ze-concept.pdf", 1),
    ]
    used = run_json("case", "show", "1")["history"][-1]["payload"]["zelfevaluatie"]
    assert [(u["file_id"], u["version"], u["name"]) for u in used] == [(3, 2, "ze.pdf")]
    # The steering group does not deliver a self-evaluation.
    out = run(
        "file", "add", "1", "zelfevaluatie", pdf_file(tmp_path, "x.pdf"), "--as", "hans@p2.nl",
        code=1,
    )  # fmt: skip
    assert "wordt ingediend door coordinator, school" in out
