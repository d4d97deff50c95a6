"""Settings from the environment, with embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from toetreding._exceptions import ConfigurationError

if TYPE_CHECKING:
    from email.headerregistry import Address

DEFAULT_DATABASE_URL = "sqlite:///toetreding.db"
DEFAULT_SMTP_PORT = 587
DEFAULT_MAIL_FROM = "toetreding <noreply@toetreding.invalid>"
DEFAULT_BASE_URL = "http://localhost:8000"
DEFAULT_API_TOKEN_DAYS = 90
MAX_API_TOKEN_DAYS = 366
OUTBOX_FOLDER_NAME = "outbox"
FILES_FOLDER_NAME = "bestanden"
DEFAULT_MAX_UPLOAD_MB = 25
DEFAULT_MAX_YAML_KB = 1024
DEFAULT_MAX_BODY_KB = 1024
MAX_YAML_KB_ENV = "TOETREDING_MAX_YAML_KB"

FileStoreKind = Literal["disk", "database"]
"""Where uploaded files' bytes live: a folder on disk, or PostgreSQL itself."""

FILE_STORE_KINDS: tuple[FileStoreKind, ...] = get_args(FileStoreKind)

SmtpSecurity = Literal["none", "starttls", "tls"]
"""How the SMTP connection is encrypted: not at all, upgraded with STARTTLS, or TLS from the
first byte (usually port 465)."""

SMTP_SECURITIES: tuple[SmtpSecurity, ...] = get_args(SmtpSecurity)


def default_protocols_dir() -> Path:
    """``protocols/`` of the source tree, or the copy bundled in an installed wheel."""
    package = Path(__file__).resolve().parent
    source_tree = package.parent.parent / "protocols"
    if source_tree.is_dir():
        return source_tree
    return package / "_bundled" / "protocols"


def default_cache_dir() -> Path:
    """``$TOETREDING_CACHE_DIR``, else ``$XDG_CACHE_HOME/toetreding``, else
    ``~/.cache/toetreding``."""
    if folder := os.environ.get("TOETREDING_CACHE_DIR"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "toetreding"


@dataclass(frozen=True)
class Settings:
    database_url: str
    protocols_dir: Path
    # Per-partnership overrides of the document templates: ``<dir>/<partnership code>/<name>``
    # (docs/documents.md); None uses only the templates in the package.
    templates_dir: Path | None = None
    # Reminder e-mail (docs/reminders.md). No SMTP host: messages go to the outbox folder.
    smtp_host: str | None = None
    smtp_port: int = DEFAULT_SMTP_PORT
    smtp_security: SmtpSecurity = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)  # never in a log line
    mail_from: str = DEFAULT_MAIL_FROM
    # None: ``outbox/`` next to the SQLite database file, else ``./outbox`` (outbox_folder()).
    outbox_dir: Path | None = None
    base_url: str = DEFAULT_BASE_URL  # links to a case: ``{base_url}/dossiers/{case_id}``
    # False: no TOETREDING_BASE_URL; links then follow the address asked (a page, the
    # calendar feed) or served (``serve --host/--port``, for its e-mails)
    base_url_set: bool = False
    # Signs session cookies; None: the web app keeps one in a file next to the database.
    secret_key: str | None = field(default=None, repr=False)
    # Uploaded files (docs/architecture.md, "Files"): their bytes on disk (``files_dir``;
    # None: ``bestanden/`` next to the SQLite file, else ``./bestanden``) or in PostgreSQL.
    file_store: FileStoreKind = "disk"
    files_dir: Path | None = None
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB  # per file
    api_token_days: int = DEFAULT_API_TOKEN_DAYS  # a new API token's validity, by default
    # The largest request body the web app and API read (JSON, forms); uploads (multipart)
    # have their own limits per file and per request.
    max_body_kb: int = DEFAULT_MAX_BODY_KB
    # Where checked protocol definitions are kept between runs (definition/cache.py); None:
    # every start reads and checks the protocol files in full.
    cache_dir: Path | None = None

    @classmethod
    def from_env(cls) -> Settings:
        templates_dir = os.environ.get("TOETREDING_TEMPLATES_DIR")
        outbox_dir = _env("TOETREDING_OUTBOX_DIR")
        files_dir = _env("TOETREDING_FILES_DIR")
        username = _env("TOETREDING_SMTP_USER")
        password = _env("TOETREDING_SMTP_PASSWORD")
        if username is not None and password is None:
            raise ConfigurationError(
                "TOETREDING_SMTP_USER is gezet maar TOETREDING_SMTP_PASSWORD niet; "
                "geef beide of geen van beide"
            )
        return cls(
            database_url=os.environ.get("TOETREDING_DATABASE_URL", DEFAULT_DATABASE_URL),
            protocols_dir=Path(
                os.environ.get("TOETREDING_PROTOCOLS_DIR", str(default_protocols_dir()))
            ),
            cache_dir=default_cache_dir(),
            templates_dir=Path(templates_dir) if templates_dir else None,
            smtp_host=_env("TOETREDING_SMTP_HOST"),
            smtp_port=_port(_env("TOETREDING_SMTP_PORT")),
            smtp_security=_security(_env("TOETREDING_SMTP_SECURITY")),
            smtp_username=username,
            smtp_password=password,
            mail_from=_mail_from(_env("TOETREDING_MAIL_FROM")),
            outbox_dir=Path(outbox_dir) if outbox_dir else None,
            base_url=_base_url(_env("TOETREDING_BASE_URL")),
            base_url_set=_env("TOETREDING_BASE_URL") is not None,
            secret_key=_env("TOETREDING_SECRET_KEY"),
            file_store=_file_store(_env("TOETREDING_FILE_STORE")),
            files_dir=Path(files_dir) if files_dir else None,
            max_upload_mb=_max_upload_mb(_env("TOETREDING_MAX_UPLOAD_MB")),
            api_token_days=_token_days(_env("TOETREDING_API_TOKEN_DAYS")),
            max_body_kb=_max_body_kb(_env("TOETREDING_MAX_BODY_KB")),
        )

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1_000_000

    def files_folder(self) -> Path:
        """Where the disk file store keeps uploaded files: ``files_dir`` when set, else
        ``bestanden/`` next to the SQLite database file, else ``./bestanden``."""
        if self.files_dir is not None:
            return self.files_dir
        database = sqlite_database(self.database_url)
        return Path(FILES_FOLDER_NAME) if database is None else database.parent / FILES_FOLDER_NAME

    def outbox_folder(self) -> Path:
        """Where the outbox writes ``.eml`` files: ``outbox_dir`` when set, else ``outbox/``
        next to the SQLite database file, else ``./outbox`` (PostgreSQL, in-memory SQLite).

        Follows ``database_url`` as it is now, so ``--db`` moves the outbox along.
        """
        if self.outbox_dir is not None:
            return self.outbox_dir
        database = sqlite_database(self.database_url)
        return (
            Path(OUTBOX_FOLDER_NAME) if database is None else database.parent / OUTBOX_FOLDER_NAME
        )


def sqlite_database(database_url: str) -> Path | None:
    """The database file of a SQLite URL (``sqlite:///relative.db``,
    ``sqlite:////absolute.db``); None for other databases, in-memory SQLite and SQLite URI
    filenames (``file:…``, not worth parsing)."""
    scheme, separator, rest = database_url.partition("://")
    if not separator or scheme.split("+", 1)[0] != "sqlite":
        return None
    path = rest.removeprefix("/").split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


def _env(name: str) -> str | None:
    """The variable's value without surrounding blanks; unset or empty is None."""
    value = os.environ.get(name, "").strip()
    return value or None


def _port(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_SMTP_PORT
    if raw.isdigit() and 1 <= int(raw) <= 65535:
        return int(raw)
    raise ConfigurationError(
        f"TOETREDING_SMTP_PORT moet een poortnummer zijn (1 tot en met 65535), niet '{raw}'"
    )


def _token_days(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_API_TOKEN_DAYS
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_API_TOKEN_DAYS:
        return int(raw)
    raise ConfigurationError(
        f"TOETREDING_API_TOKEN_DAYS moet een aantal dagen zijn (1 tot en met "
        f"{MAX_API_TOKEN_DAYS}), niet '{raw}'"
    )


def _security(raw: str | None) -> SmtpSecurity:
    if raw is None:
        return "starttls"
    for security in SMTP_SECURITIES:
        if raw.lower() == security:
            return security
    raise ConfigurationError(
        f"TOETREDING_SMTP_SECURITY moet {', '.join(SMTP_SECURITIES[:-1])} of "
        f"{SMTP_SECURITIES[-1]} zijn, niet '{raw}'"
    )


def _mail_from(raw: str | None) -> str:
    """One address, optionally with a name: ``Naam <adres@domein.nl>`` or ``adres@domein.nl``."""
    if raw is None:
        return DEFAULT_MAIL_FROM
    from email.policy import default as default_policy  # only when one is set: 15 ms

    problem = f"TOETREDING_MAIL_FROM moet één e-mailadres zijn, zoals '{DEFAULT_MAIL_FROM}'"
    try:
        header = default_policy.header_factory("From", raw)
    except (ValueError, IndexError) as exc:
        raise ConfigurationError(f"{problem}, niet '{raw}'") from exc
    addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    if len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        raise ConfigurationError(f"{problem}, niet '{raw}'")
    if getattr(header, "defects", ()):
        raise ConfigurationError(f"{problem}, niet '{raw}'")
    return raw


def _file_store(raw: str | None) -> FileStoreKind:
    if raw is None:
        return "disk"
    for kind in FILE_STORE_KINDS:
        if raw.lower() == kind:
            return kind
    raise ConfigurationError(
        f"TOETREDING_FILE_STORE moet 'disk' (een map) of 'database' (in PostgreSQL) zijn, "
        f"niet '{raw}'"
    )


def _max_upload_mb(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_MAX_UPLOAD_MB
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 2000:
        return int(raw)
    raise ConfigurationError(
        f"TOETREDING_MAX_UPLOAD_MB moet een geheel aantal megabytes zijn (1 tot en met 2000), "
        f"niet '{raw}'"
    )


def _max_body_kb(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_MAX_BODY_KB
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 100_000:
        return int(raw)
    raise ConfigurationError(
        f"TOETREDING_MAX_BODY_KB moet een geheel aantal kilobytes zijn (1 tot en met 100000), "
        f"niet '{raw}'"
    )


def max_yaml_bytes() -> int:
    """The largest definition file (protocol, framework, advice, calendar, cohort script) that
    is read at all: ``TOETREDING_MAX_YAML_KB`` kilobytes, 1024 by default. Read at each call,
    so a test or an operator can change it without a restart."""
    raw = _env(MAX_YAML_KB_ENV)
    if raw is None:
        return DEFAULT_MAX_YAML_KB * 1024
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 100_000:
        return int(raw) * 1024
    raise ConfigurationError(
        f"{MAX_YAML_KB_ENV} moet een geheel aantal kilobytes zijn (1 tot en met 100000), "
        f"niet '{raw}'"
    )


def _base_url(raw: str | None) -> str:
    if raw is None:
        return DEFAULT_BASE_URL
    scheme, _, rest = raw.partition("://")
    if scheme not in ("http", "https") or not rest.strip("/") or any(c.isspace() for c in raw):
        raise ConfigurationError(
            f"TOETREDING_BASE_URL moet met http:// of https:// beginnen, zoals "
            f"'{DEFAULT_BASE_URL}', niet '{raw}'"
        )
    return raw.rstrip("/")
