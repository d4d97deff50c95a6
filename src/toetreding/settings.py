"""Settings from the environment, with embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///toetreding.db"


def default_protocols_dir() -> Path:
    """``protocols/`` of the source tree, or the copy bundled in an installed wheel."""
    package = Path(__file__).resolve().parent
    source_tree = package.parent.parent / "protocols"
    if source_tree.is_dir():
        return source_tree
    return package / "_bundled" / "protocols"


@dataclass(frozen=True)
class Settings:
    database_url: str
    protocols_dir: Path

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("TOETREDING_DATABASE_URL", DEFAULT_DATABASE_URL),
            protocols_dir=Path(
                os.environ.get("TOETREDING_PROTOCOLS_DIR", str(default_protocols_dir()))
            ),
        )
