"""The contract every file store keeps, run against each backend: files on a real disk
(with SQLite) and files in the real local PostgreSQL server (skipped when none answers).

A file store keeps bytes by their SHA-256, together with the database transaction that
records them (``filestores/base.py``): what commits is there and reads back byte for byte, in
chunks; what does not commit leaves no bytes unless another row names the same content.
"""

from __future__ import annotations

import hashlib
import os
import threading
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from toetreding import NotFoundError
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.files import StagedFile, sample_pdf
from toetreding.service import Toetreding
from toetreding.store import (
    DiskFileStore,
    FileStore,
    PostgresFileStore,
    Store,
    Uploader,
    make_engine,
    migrate,
)

from .conftest import PROTOCOLS, postgres_schema
from .helpers import part2_with_noordik

NOW = datetime(2026, 9, 1, 9, 0)


class Boom(Exception):
    """A transaction that fails after the bytes were handed over."""


@dataclass
class Backend:
    app: Toetreding
    store: Store
    files: FileStore
    case_id: int

    def stage(self, data: bytes, name: str = "stuk.pdf") -> StagedFile:
        return self.app.stage_bytes(name, data)

    def keep(self, *staged: StagedFile, fail: bool = False) -> None:
        """Keep ``staged`` in one transaction with a row each (as a new version), or fail
        that transaction after the bytes were written."""
        who = Uploader(None, "coordinator", self.app.clock.now())
        try:
            with (
                self.files.keeping(staged, self.store.unreferenced),
                self.store._hot.cursor(commit=True) as (_, cursor),
            ):
                self.files.write(staged, cursor)
                self.store.insert_files(cursor, self.case_id, "zelfevaluatie", staged, who)
                if fail:
                    raise Boom()
        finally:
            for file in staged:  # as the service does when the step is done
                file.discard()

    def content(self, digest: str) -> bytes:
        return b"".join(self.files.read(digest))


@pytest.fixture(params=["disk", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "disk":
        url = f"sqlite:///{tmp_path / 'files.db'}"
        yield from _backend(url, lambda _engine: DiskFileStore(tmp_path / "bestanden"))
    else:
        with postgres_schema() as url:
            yield from _backend(url, PostgresFileStore)


def _backend(url: str, make: object) -> Iterator[Backend]:
    engine = make_engine(url)
    migrate(engine)
    files = make(engine)  # type: ignore[operator]
    assert isinstance(files, FileStore)
    store = Store(engine, files)
    app = Toetreding(store, ProtocolRegistry.from_directory(PROTOCOLS), FixedClock(NOW))
    part2_with_noordik(app, "sam@noordik.nl")
    app.add_person("Coco", "coco@part2.nl", partnership_ref="part2", roles=("coordinator",))
    case_id = app.open_case(
        school_ref="NOORD1", protocol_id="partnerschap2", actor_ref="coco@part2.nl"
    )
    yield Backend(app, store, files, case_id)
    engine.dispose()


def big_pdf(size: int) -> bytes:
    """A PDF of about ``size`` bytes (a real header, then incompressible filler)."""
    head = sample_pdf("Groot bestand")
    return head + os.urandom(size - len(head))


# --- keeping and reading ----------------------------------------------------------------------


def test_what_is_kept_reads_back_byte_for_byte(backend: Backend) -> None:
    data = sample_pdf("Zelfevaluatie", ["Alle NVAO-criteria."])
    staged = backend.stage(data)
    digest = staged.sha256
    assert digest == hashlib.sha256(data).hexdigest()
    backend.keep(staged)
    assert backend.files.exists(digest)
    assert backend.content(digest) == data
    assert list(backend.files.digests()) == [digest]


def test_a_large_file_is_read_in_chunks_never_whole(backend: Backend) -> None:
    data = big_pdf(5_000_000)
    staged = backend.stage(data)
    backend.keep(staged)
    del data
    tracemalloc.start()
    try:
        digest, size, chunks = hashlib.sha256(), 0, 0
        for chunk in backend.files.read(staged.sha256):
            digest.update(chunk)
            size += len(chunk)
            chunks += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == staged.sha256 and size == staged.size
    assert chunks > 1
    assert peak < 2_500_000, f"reading held {peak} bytes at once"


def test_the_same_content_is_kept_once_and_keeping_it_again_is_harmless(backend: Backend) -> None:
    data = sample_pdf("Plan van aanpak")
    first, second = backend.stage(data, "plan.pdf"), backend.stage(data, "plan-kopie.pdf")
    backend.keep(first)
    backend.keep(second)
    assert list(backend.files.digests()) == [first.sha256]
    assert backend.content(first.sha256) == data
    rows = backend.store.case_files(backend.case_id)
    assert [(r.name, r.version) for r in rows] == [("plan-kopie.pdf", 2), ("plan.pdf", 1)]


def test_unknown_and_malformed_digests_name_no_file(backend: Backend) -> None:
    unknown = hashlib.sha256(b"nooit bewaard").hexdigest()
    assert not backend.files.exists(unknown)
    with pytest.raises(NotFoundError, match="ontbreekt"):
        backend.files.read(unknown)
    for malformed in ("../../etc/passwd", unknown.upper(), unknown[:-1], ""):
        with pytest.raises(NotFoundError):
            backend.files.read(malformed)


def test_staging_holds_nothing_once_the_bytes_are_kept(backend: Backend) -> None:
    staged = backend.stage(sample_pdf("Verslag"))
    assert staged.path.parent == backend.files.staging_folder()
    backend.keep(staged)
    staged.discard()  # what the service does when the step is done
    assert not staged.path.exists()
    assert backend.content(staged.sha256) == sample_pdf("Verslag")


# --- a transaction that does not commit -------------------------------------------------------


def test_a_failed_transaction_leaves_no_bytes_and_no_row(backend: Backend) -> None:
    staged = backend.stage(sample_pdf("Wordt niet bewaard"))
    with pytest.raises(Boom):
        backend.keep(staged, fail=True)
    assert not backend.files.exists(staged.sha256)
    assert list(backend.files.digests()) == []
    assert backend.store.case_files(backend.case_id) == []


def test_a_failed_transaction_keeps_bytes_another_row_names(backend: Backend) -> None:
    data = sample_pdf("Al in het dossier")
    backend.keep(backend.stage(data))
    again = backend.stage(data)
    with pytest.raises(Boom):
        backend.keep(again, fail=True)
    assert backend.content(again.sha256) == data
    assert len(backend.store.case_files(backend.case_id)) == 1


def test_a_failing_step_does_not_take_the_bytes_of_a_step_keeping_them_at_the_same_time(
    backend: Backend,
) -> None:
    """Two requests keep the same content; the first fails while the second is still in
    its transaction: the second's row must not end up naming removed bytes."""
    data = sample_pdf("Tegelijk")
    failing, lasting = backend.stage(data, "a.pdf"), backend.stage(data, "b.pdf")
    second_started = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            who = Uploader(None, "school", backend.app.clock.now())
            with backend.files.keeping([lasting], backend.store.unreferenced):
                second_started.set()
                with backend.store._hot.cursor(commit=True) as (_, cursor):
                    backend.files.write([lasting], cursor)
                    backend.store.insert_files(
                        cursor, backend.case_id, "vervolgzelfevaluatie", [lasting], who
                    )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=second)
    who = Uploader(None, "school", backend.app.clock.now())
    with (
        pytest.raises(Boom),
        backend.files.keeping([failing], backend.store.unreferenced),
        backend.store._hot.cursor(commit=True) as (_, cursor),
    ):
        backend.files.write([failing], cursor)
        backend.store.insert_files(cursor, backend.case_id, "zelfevaluatie", [failing], who)
        thread.start()
        assert second_started.wait(10)
        raise Boom()
    thread.join(20)
    failing.discard()
    lasting.discard()
    assert not thread.is_alive() and errors == []
    assert [r.name for r in backend.store.case_files(backend.case_id)] == ["b.pdf"]
    assert backend.content(lasting.sha256) == data
