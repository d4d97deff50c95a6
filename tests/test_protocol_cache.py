"""Checked protocol definitions kept between runs (definition/cache.py): a start reads a
known file from the cache, and a changed file, a damaged cache or a file with problems give
what a full load gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import toetreding.definition.cache as cache_module
from toetreding import DefinitionError
from toetreding.definition import ProtocolRegistry, SpecCache

from .conftest import PROTOCOLS


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "protocollen"
    shutil.copytree(PROTOCOLS, folder)
    return folder


def _never(text: str, filename: str = "") -> None:
    raise AssertionError(f"{filename} was read in full, not from the cache")


def _load(folder: Path, cache: Path) -> ProtocolRegistry:
    return ProtocolRegistry.from_directory(folder, SpecCache(cache))


def test_a_known_file_comes_from_the_cache_as_it_was_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = ProtocolRegistry.from_directory(PROTOCOLS)
    _load(PROTOCOLS, tmp_path)  # fills the cache

    monkeypatch.setattr(cache_module, "load_protocol_text", _never)
    cached = _load(PROTOCOLS, tmp_path)
    assert [spec.key for spec in cached.all()] == [spec.key for spec in full.all()]
    assert all(spec == full.get(*spec.key) for spec in cached.all())


def test_a_changed_file_is_read_anew(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    file = folder / "partnerschap2.yaml"
    spec = _load(folder, tmp_path / "cache").get("partnerschap2")
    file.write_text(
        file.read_text(encoding="utf-8").replace(spec.title, "Een andere titel", 1),
        encoding="utf-8",
    )
    assert _load(folder, tmp_path / "cache").get("partnerschap2").title == "Een andere titel"


def test_a_damaged_cache_is_ignored_and_written_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / cache_module.FILE_NAME
    for damage in ('{"niet": "af', "[1, 2]", '{"' + "0" * 64 + '": "{}"}'):
        kept.write_text(damage, encoding="utf-8")
        registry = _load(PROTOCOLS, tmp_path)
        assert registry.get("partnerschap2").id == "partnerschap2"
    # the right keys, but what they hold is no protocol (other code wrote it, or damage)
    kept.write_text(
        json.dumps(dict.fromkeys(json.loads(kept.read_text(encoding="utf-8")), '{"id": 1}')),
        encoding="utf-8",
    )
    assert _load(PROTOCOLS, tmp_path).get("partnerschap2").id == "partnerschap2"
    monkeypatch.setattr(cache_module, "load_protocol_text", _never)
    assert _load(PROTOCOLS, tmp_path).get("partnerschap2").id == "partnerschap2"


def test_a_file_with_problems_is_told_each_time_and_never_kept(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "kapot.yaml").write_text("id: kapot\nversion: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DefinitionError) as raised:
            _load(folder, tmp_path / "cache")
        assert [problem.file for problem in raised.value.problems] == [str(folder / "kapot.yaml")]
    assert not (tmp_path / "cache" / cache_module.FILE_NAME).exists()
