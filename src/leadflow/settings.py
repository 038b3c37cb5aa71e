"""Settings, read from LEADFLOW_* environment variables. Each one is documented in the README."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_HOSTS = "127.0.0.1,localhost"
_ANY_ADDRESS = ("0.0.0.0", "::", "")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADFLOW_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///leadflow.db",
        description="SQLAlchemy URL of the database: a SQLite file or postgresql://...",
    )
    migration_database_url: str | None = Field(
        default=None,
        description=(
            "PostgreSQL: the URL `leadflow init` migrates with, logging in as the tables' owner; "
            "it then lets the role of LEADFLOW_DATABASE_URL read and write rows, nothing more, "
            "so row-level security binds the application. Unset: LEADFLOW_DATABASE_URL."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `leadflow serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `leadflow serve` uses.")
    public_url: str | None = Field(
        default=None,
        description=(
            "The address people reach leadflow at, such as https://leads.example.com. Every "
            "link leadflow writes (double opt-in confirmation, objection links, form_url, embed "
            "code) starts with it, never with a request's Host header. Unset: "
            "http://<host>:<port> of `leadflow serve`."
        ),
    )
    api_rate_limit: int = Field(
        default=600,
        ge=0,
        description="API requests one token may make per minute (0: no limit); over it, 429.",
    )
    api_address_rate_limit: int = Field(
        default=1200,
        ge=0,
        description="API requests one client address may make per minute (0: no limit).",
    )
    allowed_hosts: str = Field(
        default=LOCAL_HOSTS,
        description=(
            "Comma-separated host names requests may be addressed to (the Host header), "
            "besides the host of LEADFLOW_PUBLIC_URL and of --host; any other answers 400. "
            "`*.example.com` allows subdomains, `*` any host."
        ),
    )
    default_locale: str = Field(
        default="de", pattern="^(de|en)$", description="UI language when the browser says none."
    )
    secret_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description=(
            "Key for keyed hashes and signed links (suppression list, objection links). Unset: "
            "a SQLite installation keeps a generated key in <database file>.key (mode 0600); "
            "PostgreSQL refuses privacy operations until it is set."
        ),
    )
    form_quarantine_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description=(
            "Days a lead form submission that looked automated stays in the quarantine before "
            "the worker deletes it."
        ),
    )
    smtp_url: SecretStr | None = Field(
        default=None,
        description=(
            "SMTP server `leadflow worker` sends e-mail through: smtp://host:25 (unencrypted), "
            "smtp+starttls://user:password@host:587 or smtps://user:password@host:465. Unset: "
            "e-mails stay queued. The password is never stored or logged."
        ),
    )
    smtp_from: str | None = Field(
        default=None, description="Sender address of leadflow's e-mails, such as leads@example.com."
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body (JSON, TOML, text) the web app reads, in bytes.",
    )
    max_batch_body_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        description=(
            "Largest body of POST /api/v1/leads/batch, in bytes: 1,000 leads of up to 8 KiB each "
            "(every field at its longest, a 5,000-character note, custom fields)."
        ),
    )
    max_form_body_bytes: int = Field(
        default=256 * 1024,
        ge=1024,
        description="Largest form-encoded body (lead form, UI forms), in bytes.",
    )
    max_json_depth: int = Field(
        default=32,
        ge=2,
        le=200,
        description="How deeply objects and arrays may nest in a JSON body.",
    )

    upload_csv_max_mb: int = Field(
        default=200, ge=1, description="Largest CSV file an import or preview accepts (MB)."
    )
    upload_xlsx_max_mb: int = Field(
        default=50, ge=1, description="Largest XLSX file an import or preview accepts (MB)."
    )
    xlsx_max_rows: int = Field(default=1_048_576, ge=1, description="Rows of an XLSX sheet.")
    xlsx_max_columns: int = Field(default=1_000, ge=1, description="Columns of an XLSX sheet.")
    xlsx_max_cell_chars: int = Field(
        default=32_767, ge=1, description="Characters of one XLSX cell or shared string."
    )
    xlsx_max_shared_strings: int = Field(
        default=5_000_000, ge=1, description="Shared strings of an XLSX workbook."
    )
    xlsx_max_shared_strings_mb: int = Field(
        default=200, ge=1, description="Text of all shared strings of an XLSX workbook (MB)."
    )
    xlsx_max_uncompressed_mb: int = Field(
        default=1_000, ge=1, description="What all parts of an XLSX workbook expand to (MB)."
    )
    xlsx_max_expansion_ratio: int = Field(
        default=100, ge=2, description="How far one zip entry of 1 MB or more may expand."
    )
    upload_memory_mb: int = Field(
        default=2048,
        ge=256,
        description="Address space of the child process that reads an upload (MB).",
    )
    upload_preview_seconds: int = Field(
        default=60, ge=1, description="Time a preview (or an import's file check) may take."
    )
    upload_import_seconds: int = Field(
        default=21_600, ge=60, description="Time one import started from the web may take."
    )
    upload_dir: str | None = Field(
        default=None,
        description="Directory for uploads being imported; unset: leadflow-uploads-<uid> in "
        "the system's temporary directory.",
    )

    @field_validator("public_url")
    @classmethod
    def _absolute_http_address(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.username is not None
            or parts.query
            or parts.fragment
        ):
            raise ValueError("must be an http:// or https:// address without query or user")
        return value.strip().rstrip("/")

    def public_base_url(self) -> str:
        """The start of every link leadflow writes, without a trailing slash."""
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.host in _ANY_ADDRESS else self.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    def trusted_hosts(self) -> list[str]:
        """The host names requests may be addressed to."""
        hosts = [name.strip().lower() for name in self.allowed_hosts.split(",") if name.strip()]
        for address in (urlsplit(self.public_base_url()).hostname, self.host.lower()):
            if address and address not in _ANY_ADDRESS and address not in hosts:
                hosts.append(address)
        return hosts
