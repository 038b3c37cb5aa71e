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
