"""The schema. Every table with workspace data carries workspace_id; unique keys include it.

Ids are 64-bit on both databases (`ID`). Every table keyed by an integer id is AUTOINCREMENT on
SQLite, so an id is never handed out twice, not even after the row with the highest id was erased
(PostgreSQL's sequences never go back).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from leadflow.adapters.db.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


ID = BigInteger().with_variant(Integer(), "sqlite")
"""Ids and the columns that refer to them: 64-bit on PostgreSQL; on SQLite INTEGER, so that the
key stays the rowid (already 64-bit) and AUTOINCREMENT applies."""


def _workspace_id() -> Column[int]:
    return Column(
        "workspace_id", ID, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
    )


workspaces = Table(
    "workspaces",
    metadata,
    Column("id", ID, primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("config", JSON, nullable=False, default=dict),
    Column("created_at", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200)),
    Column("password_hash", String(200)),
    Column("locale", String(8)),
    Column("created_at", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

memberships = Table(
    "memberships",
    metadata,
    _workspace_id(),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(16), nullable=False),
    UniqueConstraint("workspace_id", "user_id"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("role", String(16), nullable=False),
    Column("user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("name", String(200)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    sqlite_autoincrement=True,
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("name", String(300), nullable=False),
    Column("name_key", String(300), nullable=False),
    Column("domain", String(255)),
    Column("industry", String(200)),
    Column("employees", Integer),
    Column("country", String(2)),
    Column("postal_code", String(20)),
    Column("city", String(200)),
    Column("owner_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_accounts_workspace_domain", "workspace_id", "domain"),
    Index("ix_accounts_workspace_name_key", "workspace_id", "name_key"),
    sqlite_autoincrement=True,
)

# Blocking keys of account names (domain/company_blocks.py): fuzzy company matching looks up a
# few keys here instead of reading every account whose name starts alike.
account_match_keys = Table(
    "account_match_keys",
    metadata,
    _workspace_id(),
    Column("key", String(200), nullable=False),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("workspace_id", "key", "account_id"),
    Index("ix_account_match_keys_account_id", "account_id"),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("first_name", String(200)),
    Column("last_name", String(200)),
    Column("email", String(320)),
    Column("phone", String(40)),
    Column("job_title", String(300)),
    Column("seniority", String(40)),
    Column("department", String(200)),
    Column("buying_role", String(40)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("external_id", String(200)),
    # Random, made by the database for every new contact (see 0014_contact_link_secrets): the
    # objection link signs over it, so a link can never act on another contact.
    Column("link_secret", String(32), nullable=False, server_default=FetchedValue()),
    UniqueConstraint("workspace_id", "email"),
    UniqueConstraint("workspace_id", "external_id"),
    Index("ix_contacts_workspace_phone", "workspace_id", "phone"),
    Index("ix_contacts_workspace_account", "workspace_id", "account_id"),
    sqlite_autoincrement=True,
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("name", String(300), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("planned_cost", Numeric(14, 2), nullable=False),
    Column("actual_cost", Numeric(14, 2), nullable=False),
    Column("form_key", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("form_config", JSON),
    Column("target_profile", JSON),
    UniqueConstraint("workspace_id", "name"),
    sqlite_autoincrement=True,
)

leads = Table(
    "leads",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", ID, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("campaign_id", ID, ForeignKey("campaigns.id", ondelete="SET NULL")),
    Column("owner_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("stage", String(16), nullable=False),
    Column("source", String(100)),
    Column("grade", String(1)),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("stage_entered_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("extras", JSON, nullable=False, default=dict),
    Column("fit_score", Integer),
    Column("fit_rules_version", Integer),
    Column("fit_matches", Text),
    Column("engagement_score", Float),
    Column("engagement_scored_at", UtcDateTime),
    Column("merged_into_id", ID, ForeignKey("leads.id", ondelete="SET NULL")),
    Column("provenance", JSON),
    Column("custom_fields", JSON),
    Column("deal_value", Numeric(14, 2)),
    UniqueConstraint("workspace_id", "contact_id"),
    Index("ix_leads_workspace_stage", "workspace_id", "stage"),
    Index("ix_leads_workspace_created", "workspace_id", "created_at"),
    Index("ix_leads_workspace_owner", "workspace_id", "owner_id"),
    Index("ix_leads_workspace_campaign", "workspace_id", "campaign_id"),
    sqlite_autoincrement=True,
)

stage_changes = Table(
    "stage_changes",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(16)),
    Column("target", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(16), nullable=False),
    Column("by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("reason", String(100)),
    Column("note", Text),
    Column("automatic", Boolean, nullable=False),
    Index("ix_stage_changes_workspace_at", "workspace_id", "at"),
    Index("ix_stage_changes_lead", "lead_id"),
    sqlite_autoincrement=True,
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("criterion", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("value", JSON),
    Column("note", Text),
    Column("by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_assessments_lead", "lead_id"),
    sqlite_autoincrement=True,
)

grade_changes = Table(
    "grade_changes",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("old_grade", String(1)),
    Column("new_grade", String(1)),
    Column("by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_grade_changes_lead", "lead_id"),
    sqlite_autoincrement=True,
)

activities = Table(
    "activities",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("subject", String(300)),
    Column("body", Text),
    Column("by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_activities_lead", "lead_id"),
    sqlite_autoincrement=True,
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(300), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("assignee_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("done_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_tasks_lead", "lead_id"),
    sqlite_autoincrement=True,
)

# Capture and import: idempotent API requests, imports with their rejected rows, reversible
# merges of duplicate leads and the public form's rate-limit window.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("key", String(200), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer),
    Column("response", JSON),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("workspace_id", "key"),
    sqlite_autoincrement=True,
)

imports = Table(
    "imports",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("file_name", String(300), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("preset", String(16), nullable=False),
    Column("options", JSON, nullable=False),
    Column("dry_run", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("rows_done", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("merged", Integer, nullable=False),
    Column("merged_updated", Integer, nullable=False, server_default="0"),
    Column("rejected", Integer, nullable=False),
    Column("warnings", Integer, nullable=False, server_default="0"),
    Column("error", Text),
    Column("by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("started_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Index("ix_imports_workspace_file", "workspace_id", "file_sha256"),
    sqlite_autoincrement=True,
)

import_rejects = Table(
    "import_rejects",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("import_id", ID, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("row", Integer, nullable=False),
    Column("field", String(300), nullable=False),
    Column("reason", Text, nullable=False),
    Column("values", JSON, nullable=False),
    Index("ix_import_rejects_import_row", "import_id", "row"),
    sqlite_autoincrement=True,
)

import_warnings = Table(
    "import_warnings",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("import_id", ID, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    # The lead the row became or was merged into: erasing the person removes the warning.
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE")),
    Column("row", Integer, nullable=False),
    Column("field", String(300), nullable=False),
    Column("message", Text, nullable=False),
    Index("ix_import_warnings_import_row", "import_id", "row"),
    sqlite_autoincrement=True,
)

lead_merges = Table(
    "lead_merges",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("survivor_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    # None when an entry (API, form, import) was merged into the survivor rather than a lead.
    Column("merged_id", ID, ForeignKey("leads.id", ondelete="CASCADE")),
    Column("reason", Text, nullable=False),
    Column("changes", JSON, nullable=False),
    Column("by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("at", UtcDateTime, nullable=False),
    Column("undone_at", UtcDateTime),
    Index("ix_lead_merges_workspace_at", "workspace_id", "at"),
    Index("ix_lead_merges_survivor", "workspace_id", "survivor_id"),
    sqlite_autoincrement=True,
)

# A contact's second e-mail addresses and earlier phone numbers, matched on later entries.
contact_alternates = Table(
    "contact_alternates",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", String(320), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("contact_id", "kind", "value"),
    Index("ix_contact_alternates_value", "workspace_id", "kind", "value"),
    sqlite_autoincrement=True,
)

form_hits = Table(
    "form_hits",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("campaign_id", ID, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("client_key", String(64), nullable=False),
    Column("person_key", String(64)),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_form_hits_campaign_at", "campaign_id", "at"),
    sqlite_autoincrement=True,
)

# Form submissions that look automated, kept exactly as posted until released, deleted or purged.
form_quarantine = Table(
    "form_quarantine",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("campaign_id", ID, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("reasons", String(200), nullable=False),
    Column("fields", JSON, nullable=False),
    Column("consents", JSON, nullable=False),
    Column("page", Text),
    Column("ip", String(45)),
    Column("user_agent", Text),
    Column("language", String(8), nullable=False),
    Index("ix_form_quarantine_workspace_received", "workspace_id", "received_at"),
    sqlite_autoincrement=True,
)

# Scoring, hand-over SLA, routing and webhooks.

fit_rule_sets = Table(
    "fit_rule_sets",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("version", Integer, nullable=False),
    Column("rules_toml", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    UniqueConstraint("workspace_id", "version"),
    sqlite_autoincrement=True,
)

touches = Table(
    "touches",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("campaign_id", ID, ForeignKey("campaigns.id", ondelete="SET NULL")),
    Column("asks_for_contact", Boolean, nullable=False),
    Column("origin", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_touches_workspace_lead_at", "workspace_id", "lead_id", "at"),
    sqlite_autoincrement=True,
)

sla_clocks = Table(
    "sla_clocks",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("recycle_at", UtcDateTime, nullable=False),
    Column("assignee_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("source", String(100)),
    Column("stopped_at", UtcDateTime),
    Column("stop_kind", String(16)),
    Column("stopped_by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("within_sla", Boolean),
    Column("escalated_at", UtcDateTime),
    Index("ix_sla_clocks_workspace_due", "workspace_id", "due_at"),
    Index("ix_sla_clocks_lead", "lead_id"),
    sqlite_autoincrement=True,
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE")),
    Column("kind", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("params", JSON),
    Column("cause", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime),
    Index("ix_notifications_workspace_user", "workspace_id", "user_id"),
    Index("ux_notifications_cause", "workspace_id", "user_id", "cause", unique=True),
    sqlite_autoincrement=True,
)

email_outbox = Table(
    "email_outbox",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("notification_id", ID, ForeignKey("notifications.id", ondelete="SET NULL")),
    Column("kind", String(32), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("locale", String(8), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claim_token", String(64)),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Index("ix_email_outbox_status_due", "status", "next_attempt_at"),
    Index("ix_email_outbox_workspace", "workspace_id"),
    sqlite_autoincrement=True,
)

routing_capacities = Table(
    "routing_capacities",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("leads_per_30_days", Integer, nullable=False),
    UniqueConstraint("workspace_id", "user_id"),
    sqlite_autoincrement=True,
)

absences = Table(
    "absences",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("note", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_absences_workspace_user", "workspace_id", "user_id"),
    sqlite_autoincrement=True,
)

round_robin_weights = Table(
    "round_robin_weights",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("team", String(200), nullable=False),
    Column("user_id", ID, nullable=False),
    Column("weight", Integer, nullable=False),
    UniqueConstraint("workspace_id", "team", "user_id"),
    sqlite_autoincrement=True,
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("team", String(200)),
    Column("rule_number", Integer),
    Column("reason", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_assignments_workspace_at", "workspace_id", "at"),
    Index("ix_assignments_lead", "lead_id"),
    sqlite_autoincrement=True,
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("url", String(2000), nullable=False),
    Column("events", JSON, nullable=False),
    Column("secret_salt", String(64), nullable=False),
    Column("allow_private", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("description", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

outbox_events = Table(
    "outbox_events",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("type", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_outbox_events_workspace_created", "workspace_id", "created_at"),
    sqlite_autoincrement=True,
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("event_row_id", ID, ForeignKey("outbox_events.id", ondelete="CASCADE"), nullable=False),
    Column("webhook_id", ID, ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claim_token", String(64)),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("delivered_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_workspace_status", "workspace_id", "status"),
    sqlite_autoincrement=True,
)

background_jobs = Table(
    "background_jobs",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("params", JSON, nullable=False),
    Column("progress", Integer, nullable=False),
    Column("total", Integer),
    Column("result", JSON),
    Column("error", Text),
    Column("claim_token", String(64)),
    Column("lease_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime),
    Column("finished_at", UtcDateTime),
    Index("ix_background_jobs_status_lease", "status", "lease_until"),
    sqlite_autoincrement=True,
)

# Web UI: sign-in sessions (only a hash of the session id is stored) and the indexes behind the
# pipeline board and the lead list.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    _workspace_id(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_web_sessions_user", "user_id"),
    sqlite_autoincrement=True,
)

api_request_counts = Table(
    # API requests per token and per client address in one-minute windows, shared by every web
    # process: see web/rate_limit.py.
    "api_request_counts",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("window_start", UtcDateTime, primary_key=True),
    Column("requests", Integer, nullable=False),
)

sign_in_failures = Table(
    # Wrong passwords per account (keyed by a hash of its e-mail address) and per client
    # address, shared by every web process: see domain/sign_in_throttle.py.
    "sign_in_failures",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_at", UtcDateTime, nullable=False),
    Column("locked_at", UtcDateTime),
)

Index(
    "ix_leads_workspace_stage_entered",
    leads.c.workspace_id,
    leads.c.stage,
    leads.c.stage_entered_at,
)
# The board's counts per stage read this index alone: the live leads (merged_into_id NULL) of
# a workspace in stage order, with the owner for "my leads".
Index(
    "ix_leads_workspace_live_stage_owner",
    leads.c.workspace_id,
    leads.c.merged_into_id,
    leads.c.stage,
    leads.c.owner_id,
)
Index("ix_leads_workspace_source", leads.c.workspace_id, leads.c.source)
Index("ix_leads_workspace_grade", leads.c.workspace_id, leads.c.grade)
Index("ix_leads_workspace_account", leads.c.workspace_id, leads.c.account_id)
# Covering indexes: the list's search reads names and e-mail addresses from these alone.
Index(
    "ix_contacts_workspace_names",
    contacts.c.workspace_id,
    contacts.c.last_name,
    contacts.c.first_name,
    contacts.c.email,
)
Index("ix_accounts_workspace_name", accounts.c.workspace_id, accounts.c.name)

# Predictive scoring: each training run's model per workspace and target (sql, won) as JSON
# bytes with its validation figures, and the current scores of open leads with top factors.
predictive_models = Table(
    "predictive_models",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("target", String(16), nullable=False),
    Column("model_name", String(40), nullable=False),
    Column("model", LargeBinary, nullable=False),
    Column("trained_at", UtcDateTime, nullable=False),
    Column("training_size", Integer, nullable=False),
    Column("positives", Integer, nullable=False),
    Column("validation", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Index("ix_predictive_models_workspace_target", "workspace_id", "target", "id"),
    sqlite_autoincrement=True,
)

# Keyed by lead first, so a lead's deletion and a batch's id range both use the primary key.
predictive_scores = Table(
    "predictive_scores",
    metadata,
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "workspace_id",
        ID,
        ForeignKey("workspaces.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("sql_probability", Float),
    Column("sql_factors", Text),
    Column("sql_model_id", ID, ForeignKey("predictive_models.id", ondelete="SET NULL")),
    Column("won_probability", Float),
    Column("won_factors", Text),
    Column("won_model_id", ID, ForeignKey("predictive_models.id", ondelete="SET NULL")),
    Column("scored_at", UtcDateTime, nullable=False),
)

# Privacy: legal bases per lead and purpose, append-only consent proof (texts, grants and
# withdrawals, double-opt-in confirmations), phone permission, the suppression list (keyed hashes
# only) and the append-only audit log.
legal_bases = Table(
    "legal_bases",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("lead_id", ID, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("basis", String(40), nullable=False),
    Column("reason", Text),
    Column("source", String(32), nullable=False),
    Column("by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_legal_bases_lead", "lead_id"),
    sqlite_autoincrement=True,
)

consent_texts = Table(
    "consent_texts",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("version", String(100), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("first_used_at", UtcDateTime, nullable=False),
    UniqueConstraint("workspace_id", "text_hash", "version"),
    sqlite_autoincrement=True,
)

consent_records = Table(
    "consent_records",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("event", String(16), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("text_id", ID, ForeignKey("consent_texts.id")),
    Column("source_url", Text),
    Column("ip", String(45)),
    Column("user_agent", Text),
    Column("source", String(32), nullable=False),
    Column("by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("doi_token_hash", String(64), unique=True),
    Column("doi_requested_at", UtcDateTime),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_consent_records_contact", "contact_id"),
    sqlite_autoincrement=True,
)

consent_confirmations = Table(
    "consent_confirmations",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column(
        "consent_id",
        ID,
        ForeignKey("consent_records.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("ip", String(45)),
    Column("user_agent", Text),
    Column("at", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

phone_permissions = Table(
    "phone_permissions",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("permission", String(16), nullable=False),
    Column("reason", Text),
    Column("source", String(32), nullable=False),
    Column("by_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_phone_permissions_contact", "contact_id"),
    sqlite_autoincrement=True,
)

suppressions = Table(
    "suppressions",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("email_hash", String(64)),
    Column("phone_hash", String(64)),
    Column("reason", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_suppressions_workspace_email", "workspace_id", "email_hash"),
    Index("ix_suppressions_workspace_phone", "workspace_id", "phone_hash"),
    sqlite_autoincrement=True,
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", ID, primary_key=True),
    Column("workspace_id", ID, ForeignKey("workspaces.id", ondelete="CASCADE")),
    Column("at", UtcDateTime, nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("actor_user_id", ID, ForeignKey("users.id", ondelete="SET NULL")),
    Column("details", JSON, nullable=False),
    Index("ix_audit_log_workspace_at", "workspace_id", "at"),
    sqlite_autoincrement=True,
)

# Deleting a contact (erasure, offboarding) cascades to its lead: that look-up needs its own index.
Index("ix_leads_contact", leads.c.contact_id)

# Custom fields: typed fields a workspace's admins define; a lead's values are in
# leads.custom_fields, keyed by the field's key.
custom_fields = Table(
    "custom_fields",
    metadata,
    Column("id", ID, primary_key=True),
    _workspace_id(),
    Column("key", String(64), nullable=False),
    Column("type", String(16), nullable=False),
    Column("label_de", String(200), nullable=False),
    Column("label_en", String(200), nullable=False),
    Column("choices", JSON),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("workspace_id", "key"),
    sqlite_autoincrement=True,
)
