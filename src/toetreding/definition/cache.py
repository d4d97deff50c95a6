"""Protocol files read once: their checked definitions kept between runs, by content.

Reading and checking the YAML of the shipped protocols was about 20 ms of every command's
start. A file whose text, and the code that checks it, are what they were at an earlier
load is taken from the cache instead: its checked definition as JSON, which the model
validates again on the way in (JSON, never pickle). The key is a SHA-256 of the text
together with the checking code's fingerprint, so any change to the file, or an upgrade,
makes it a miss that is read and checked in full. A file with problems is never kept (its
messages come from a full load every time), and a cache that cannot be read, parsed or
written is ignored: the full load then happens as before. The file is replaced whole
(written beside it, then renamed), so a process never reads half of one.

Where: ``Settings.cache_dir`` (``$TOETREDING_CACHE_DIR``, else ``$XDG_CACHE_HOME/toetreding``,
else ``~/.cache/toetreding``). It keeps what the last load met and, up to ``LIMIT``
definitions in all, what earlier loads met (another protocols folder, say).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

from toetreding.definition.loader import load_protocol_text
from toetreding.definition.model import ProtocolSpec
from toetreding.formats import read_document_text

FILE_NAME = "protocollen.json"
LIMIT = 100  # definitions kept at most
# The packages whose code decides whether a file loads, and what it loads as.
_CHECKING_CODE = ("definition", "formats", "rules", "calendar")


class SpecCache:
    """Checked protocol definitions by the digest of their file's text, in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / FILE_NAME
        self._kept = _read(self.file)
        self._used: dict[str, str] = {}  # what this load met

    def load(self, path: Path) -> ProtocolSpec:
        """The protocol in ``path``: from the cache when its text is known, else read and
        checked in full (raises :class:`DefinitionError` as :func:`load_protocol_file`)."""
        text = read_document_text(path)
        digest = hashlib.sha256(_code_key().encode() + text.encode("utf-8")).hexdigest()
        kept = self._kept.get(digest)
        if kept is not None:
            try:
                spec = ProtocolSpec.model_validate_json(kept)
            except ValueError:
                pass  # written by other code, or damaged: load it in full
            else:
                self._used[digest] = kept
                return spec
        spec = load_protocol_text(text, str(path))
        self._used[digest] = spec.model_dump_json()
        return spec

    def save(self) -> None:
        """Keep what this load met, and what was kept before up to ``LIMIT``; never fails."""
        keep = dict(self._used)
        for digest, kept in self._kept.items():
            if len(keep) >= LIMIT:
                break
            keep.setdefault(digest, kept)
        if keep == self._kept:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self.file.parent, suffix=".tmp", delete=False
            ) as out:
                json.dump(keep, out)
            os.replace(out.name, self.file)
        except OSError:
            return  # a read-only home, a full disk: the next start loads in full again


def _read(file: Path) -> dict[str, str]:
    try:
        kept = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(kept, dict):
        return {}
    return {k: v for k, v in kept.items() if isinstance(k, str) and isinstance(v, str)}


@cache
def _code_key() -> str:
    """The checking code's fingerprint: each module's path, size and modification time."""
    package = Path(__file__).resolve().parents[1]  # toetreding/
    found = [str(package)]
    for name in _CHECKING_CODE:
        for module in sorted((package / name).rglob("*.py")):
            state = module.stat()
            found.append(f"{module.relative_to(package)}:{state.st_size}:{state.st_mtime_ns}")
    return "\n".join(found) + "\n"
