"""The Jinja2 environment: the package's templates, a partnership's own, and the filters.

Every environment escapes everything it prints (``autoescape=True``, whatever the template's
name), fails on an undefined name (``StrictUndefined``) and is sandboxed: templates are data
that a partnership may supply (``TOETREDING_TEMPLATES_DIR/<partnership code>/``), and a
template reads the document it is given, never Python internals.

Template lookup for partnership ``part2``, first hit wins:

1. ``<templates_dir>/part2/<name>`` (only when a templates folder is configured);
2. the package's ``templates/<name>``;
3. ``toetreding/<name>``: the package's template under a fixed name, so an override can
   ``{% extends "toetreding/toetsingsrapport.html.j2" %}`` and replace one block.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment

from toetreding._exceptions import ConfigurationError
from toetreding.documents.filters import dutch_date, nl2br, paragraphs
from toetreding.frameworks import criterion_number

PACKAGE_PREFIX = "toetreding"  # ``toetreding/<name>`` always means the package's template


def override_folder(templates_dir: Path, partnership_code: str) -> Path | None:
    """``templates_dir/partnership_code``, when that code can be a folder name at all.

    A code with a path separator, or ``.``/``..``, never selects a folder (it could point
    outside the templates folder); such a partnership gets the package's templates.
    """
    if (
        not partnership_code
        or partnership_code in {".", ".."}
        or any(sep in partnership_code for sep in ("/", "\\", "\0"))
    ):
        return None
    return templates_dir / partnership_code


def environment(templates_dir: Path | None, partnership_code: str) -> ImmutableSandboxedEnvironment:
    """The environment for one partnership; built once per folder and code."""
    if templates_dir is not None:
        if not templates_dir.is_dir():
            raise ConfigurationError(
                f"de map met sjablonen '{templates_dir}' (TOETREDING_TEMPLATES_DIR) bestaat niet"
            )
        templates_dir = templates_dir.resolve()
    return _environment(templates_dir, partnership_code if templates_dir else "")


@functools.lru_cache(maxsize=64)
def _environment(
    templates_dir: Path | None, partnership_code: str
) -> ImmutableSandboxedEnvironment:
    package = PackageLoader("toetreding.documents", "templates")
    loaders: list[BaseLoader] = []
    folder = override_folder(templates_dir, partnership_code) if templates_dir else None
    if folder is not None:
        # A missing folder is fine: this partnership overrides nothing.
        loaders.append(FileSystemLoader(folder))
    loaders += [package, PrefixLoader({PACKAGE_PREFIX: package})]
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["datum"] = dutch_date
    env.filters["nl2br"] = nl2br
    env.filters["alineas"] = paragraphs
    env.filters["criteriumnummer"] = criterion_number
    return env
