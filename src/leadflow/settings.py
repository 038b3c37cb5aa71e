"""Settings, read from LEADFLOW_* environment variables. Each one is documented in the README."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADFLOW_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///leadflow.db",
        description="SQLAlchemy URL of the database: a SQLite file or postgresql://...",
    )
    host: str = Field(default="127.0.0.1", description="Address `leadflow serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `leadflow serve` uses.")
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
