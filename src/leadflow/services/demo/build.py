"""A believable German demo: two client workspaces with a year of leads and real histories.

Every history is made by the same transition table and lead behaviour as real work, and then
written in bulk so the demo is ready in seconds.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from leadflow.adapters.db.account_keys import file_accounts
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.tables import (
    accounts,
    activities,
    assessments,
    contacts,
    grade_changes,
    leads,
    sla_clocks,
    stage_changes,
    touches,
)
from leadflow.adapters.db.uow import in_unit_of_work, unit_of_work
from leadflow.adapters.importing.normalize import company_key
from leadflow.domain import qualification
from leadflow.domain.campaign import Campaign
from leadflow.domain.engagement import TouchType
from leadflow.domain.funnel import SLA_EXPIRED
from leadflow.domain.lead import Lead, StageChange
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.principal import Principal
from leadflow.domain.qualification import BANT, Status
from leadflow.domain.sla import BusinessCalendar, SlaPolicy, add_business_hours
from leadflow.domain.sla_settings import parse_sla_settings
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.services.demo import names as names
from leadflow.services.demo.settings import configure_demo_workspace, sla_settings
from leadflow.services.handover.clock import stop_kind
from leadflow.services.handover.sla_settings import calendar
from leadflow.services.prediction.predictive import train_workspace
from leadflow.services.prediction.predictive_scoring import score_workspace
from leadflow.services.scores.rescore import rescore_workspace
from leadflow.services.scores.scoring import refresh_all_engagement
from leadflow.services.workspaces.campaigns import new_form_key
from leadflow.services.workspaces.directory import add_user, create_workspace

DEMO_PASSWORD = "leadflow-demo"
_UMLAUTS: dict[str, str | int | None] = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i"}
_ASCII = str.maketrans(_UMLAUTS)


@dataclass(frozen=True)
class DemoClient:
    slug: str
    name: str
    domain: str
    campaigns: tuple[tuple[str, str, int, int], ...]  # name, channel, start month offset, cost
    industries: tuple[str, ...]  # the client's target industries, for its fit rules
    bundesland: str


CLIENTS = (
    DemoClient(
        "schmidt-foerdertechnik",
        "Schmidt Fördertechnik GmbH",
        "schmidt-foerdertechnik.de",
        (
            ("LogiMAT Stuttgart", "trade_fair", 9, 48000),
            ("Hannover Messe", "trade_fair", 7, 65000),
            ("Google Ads Intralogistik", "search", 12, 36000),
            ("LinkedIn Kampagne Lagerautomatisierung", "social", 8, 18000),
            ("Webinar: Fahrerlose Transportsysteme", "webinar", 6, 4500),
            ("Whitepaper Intralogistik 4.0", "content", 11, 7500),
            ("Mailing Fachhandel", "direct_mail", 4, 12000),
        ),
        ("Maschinenbau", "Logistik", "Automobilzulieferer", "Lebensmittel"),
        "BW",
    ),
    DemoClient(
        "cloudwerk",
        "Cloudwerk Software AG",
        "cloudwerk.de",
        (
            ("Google Ads ERP Mittelstand", "search", 12, 42000),
            ("Newsletter Produktneuheiten", "newsletter", 12, 3000),
            ("Webinar: ERP-Umstieg ohne Stillstand", "webinar", 9, 5200),
            ("E-Book Digitalisierung", "content", 10, 6800),
            ("DMEA Berlin", "trade_fair", 5, 38000),
            ("Telemarketing Bestandskunden", "telemarketing", 3, 21000),
            ("Anzeige Produktion Magazin", "print", 6, 9500),
        ),
        ("Großhandel", "Elektrotechnik", "Medizintechnik", "Kunststoff", "Metallverarbeitung"),
        "BE",
    ),
)

ROLES = (
    ("marketing", Role.MARKETING),
    ("vertrieb.nord", Role.SALES),
    ("vertrieb.sued", Role.SALES),
    ("vertrieb.west", Role.SALES),
    ("geschaeftsfuehrung", Role.VIEWER),
)


def build_demo(db: Database, *, leads_per_workspace: int, seed: int, now: datetime) -> list[str]:
    """Create the demo workspaces unless they exist; return lines that describe the result."""
    lines: list[str] = []
    rng = random.Random(seed)
    with db.reading() as connection:
        existing = {w.slug for w in Directory(connection).all_workspaces()}
    for client in CLIENTS:
        if client.slug in existing:
            lines.append(f"workspace {client.slug} exists already: left as it is")
            continue
        count = _build_client(db, client, leads_per_workspace, rng, now)
        lines.append(f"workspace {client.slug}: {count} leads over the last 12 months")
    # Fresh statistics let the query planner choose the indexes the lists and reports need.
    with db.transaction() as connection:
        connection.exec_driver_sql("ANALYZE")
    lines.append(f"sign in as agentur@leadflow.example (admin of both) with '{DEMO_PASSWORD}'")
    lines.append(
        "other demo users: marketing@, vertrieb.nord@, vertrieb.sued@, vertrieb.west@, "
        "geschaeftsfuehrung@<workspace domain>, same password"
    )
    return lines


def _build_client(
    db: Database, client: DemoClient, count: int, rng: random.Random, now: datetime
) -> int:
    workspace = create_workspace(db, client.slug, client.name, now=now)
    assert workspace.id is not None
    add_user(
        db,
        "agentur@leadflow.example",
        workspace_slug=client.slug,
        role=Role.ADMIN,
        password=DEMO_PASSWORD,
        name="Agentur Admin",
        now=now,
    )
    sales: list[int] = []
    for local, role in ROLES:
        user_id = add_user(
            db,
            f"{local}@{client.domain}",
            workspace_slug=client.slug,
            role=role,
            password=DEMO_PASSWORD,
            name=local.replace(".", " ").title(),
            now=now,
        )
        if role is Role.SALES:
            sales.append(user_id)
    with unit_of_work(db, workspace.id) as uow:
        configure_demo_workspace(
            uow, industries=client.industries, bundesland=client.bundesland, sales=sales, now=now
        )
        campaign_list = []
        for name, channel, months, cost in client.campaigns:
            start = (now - timedelta(days=30 * months)).date()
            campaign = Campaign(
                workspace.id,
                name,
                channel,
                start,
                None,
                planned_cost=Decimal(cost),
                actual_cost=Decimal(round(cost * rng.uniform(0.8, 1.15))),
                form_key=new_form_key(),
            )
            uow.campaigns.add(campaign, now)
            campaign_list.append(campaign)
        settings = parse_sla_settings(sla_settings(client.bundesland))
        days = calendar(settings, [now.year - 1, now.year])
        story = _Story(
            workspace.id, rng, now, sales, campaign_list, days, settings.policy, client.industries
        )
        for index in range(count):
            story.lead(index)
        story.write(uow.connection)
    scorer = Principal.process(workspace.id, Actor.AUTOMATIC)
    rescore_workspace(db, workspace.id, by=scorer, now=now)
    in_unit_of_work(db, workspace.id, lambda uow: refresh_all_engagement(uow, now))
    train_workspace(db, workspace.id, by=scorer, now=now)
    score_workspace(db, workspace.id, by=scorer, now=now)
    return count


@dataclass
class _Story:
    workspace_id: int
    rng: random.Random
    now: datetime
    sales: list[int]
    campaigns: list[Campaign]
    calendar: BusinessCalendar
    policy: SlaPolicy
    industries: tuple[str, ...]
    table: TransitionTable = field(default_factory=TransitionTable)
    account_rows: list[dict[str, Any]] = field(default_factory=list)
    account_keys: dict[str, int] = field(default_factory=dict)
    contact_rows: list[dict[str, Any]] = field(default_factory=list)
    lead_rows: list[dict[str, Any]] = field(default_factory=list)
    changes: list[StageChange] = field(default_factory=list)
    assessment_rows: list[dict[str, Any]] = field(default_factory=list)
    grade_rows: list[dict[str, Any]] = field(default_factory=list)
    activity_rows: list[dict[str, Any]] = field(default_factory=list)
    touch_rows: list[dict[str, Any]] = field(default_factory=list)

    def lead(self, index: int) -> None:
        rng = self.rng
        campaign = rng.choice(self.campaigns)
        first = max(campaign.starts_on, (self.now - timedelta(days=365)).date())
        span = max((self.now.date() - first).days - 1, 1)
        created = datetime.combine(first, datetime.min.time(), self.now.tzinfo) + timedelta(
            days=rng.randrange(span), hours=rng.randint(7, 18), minutes=rng.randrange(60)
        )
        account_index = self._account(rng)
        first_name, last_name = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
        title, seniority = rng.choice(names.JOB_TITLES)
        domain = self.account_rows[account_index]["domain"]
        local = f"{first_name}.{last_name}".lower()
        local = local.translate(_ASCII)
        self.contact_rows.append(
            {
                "workspace_id": self.workspace_id,
                "account_index": account_index,
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{local}.{index}@{domain}",
                "phone": f"+49{rng.randint(30, 911)}{rng.randint(100000, 9999999)}",
                "job_title": title,
                "seniority": seniority,
                "department": None,
                "buying_role": None,
                "created_at": created,
            }
        )
        start = (
            Stage.PROSPECT
            if campaign.channel in ("trade_fair", "telemarketing") and rng.random() < 0.4
            else Stage.MQL
        )
        actor = Actor.RESEARCH if start is Stage.PROSPECT else Actor.MARKETING
        move = self.table.decide(None, start, actor)
        lead = Lead(
            workspace_id=self.workspace_id,
            contact_id=index,
            account_id=account_index,
            campaign_id=campaign.id,
            stage=move.target,
            created_at=created,
            stage_entered_at=created,
            id=index,
            source=campaign.channel,
        )
        self.changes.append(
            StageChange(index, None, move.target, created, actor, None, None, None, False)
        )
        if lead.stage is Stage.MQL:
            self._route(lead)
        self._live(lead, created, self._quality(account_index, title, seniority, campaign))
        self._touches(index, campaign, created, asks_for_contact=start is Stage.MQL)
        self.lead_rows.append(
            {
                "workspace_id": self.workspace_id,
                "contact_index": index,
                "account_index": account_index,
                "campaign_id": lead.campaign_id,
                "owner_id": lead.owner_id,
                "stage": lead.stage.value,
                "source": lead.source,
                "grade": lead.grade,
                "version": lead.version,
                "created_at": created,
                "stage_entered_at": lead.stage_entered_at,
                "updated_at": lead.stage_entered_at,
                "extras": {},
            }
        )

    def _account(self, rng: random.Random) -> int:
        stem, (trade, industry) = rng.choice(names.COMPANY_STEMS), rng.choice(names.COMPANY_TRADES)
        name = f"{stem} {trade} {rng.choice(names.LEGAL_FORMS)}"
        key = company_key(name)
        if key in self.account_keys:
            return self.account_keys[key]
        city, postal_code, _state = rng.choice(names.PLACES)
        slug = key.replace(" ", "-")
        self.account_rows.append(
            {
                "workspace_id": self.workspace_id,
                "name": name,
                "name_key": key,
                "domain": f"{slug}.de",
                "industry": industry,
                "employees": rng.choice(names.SIZES),
                "country": "DE",
                "postal_code": postal_code,
                "city": city,
                "created_at": self.now,
            }
        )
        self.account_keys[key] = len(self.account_rows) - 1
        return self.account_keys[key]

    def _quality(self, account_index: int, title: str, seniority: str, campaign: Campaign) -> float:
        """How much likelier than average this lead is to move forward, so the demo's history
        carries the kind of signal a real one does (fit, seniority, channel)."""
        quality = 1.0
        if self.account_rows[account_index]["industry"] in self.industries:
            quality *= 1.35
        if seniority in ("c_level", "director"):
            quality *= 1.25
        if "Werkstudent" in title:
            quality *= 0.4
        # Divided by the typical product so the funnel keeps its average rates.
        return quality * _CHANNEL_QUALITY.get(campaign.channel, 1.0) / 1.25

    def _route(self, lead: Lead) -> None:
        """A new MQL goes to a sales user, as routing would have sent it."""
        if lead.owner_id is None:
            lead.owner_id = self.rng.choice(self.sales)

    def _live(self, lead: Lead, at: datetime, quality: float) -> None:
        """Walk the lead through the funnel by chance until it rests or reaches today. An MQL
        that sales leaves unanswered past the SLA is recycled to nurture, as the worker does."""
        rng = self.rng
        for _ in range(12):
            # Sales answers a hand-over within a day or two; later steps take weeks.
            mean_days = 1.0 if lead.stage is Stage.MQL else 9.0
            entered = at
            at = at + timedelta(days=rng.expovariate(1 / mean_days), hours=rng.uniform(0, 4))
            step = self._next(lead.stage, rng, quality) if at < self.now else None
            if lead.stage is Stage.MQL:
                recycle_at = add_business_hours(
                    self.calendar, entered, self.policy.recycle_after_hours
                )
                if recycle_at < self.now and (step is None or at > recycle_at):
                    at, step = recycle_at, (Stage.NURTURE, Actor.AUTOMATIC, SLA_EXPIRED)
            if step is None:
                return
            target, actor, reason = step
            by = None
            if actor is Actor.SALES:
                by = lead.owner_id or rng.choice(self.sales)
            if target is Stage.SQL:
                self._qualify(lead, at - timedelta(hours=2), by)
            move = self.table.decide(lead.stage, target, actor, reason)
            if actor is Actor.SALES and lead.stage is Stage.MQL:
                self._activity(lead, at - timedelta(hours=1), by)
            self.changes.append(lead.apply(move, at=at, by_user_id=by))
            if lead.stage is Stage.MQL:
                self._route(lead)

    @staticmethod
    def _next(
        stage: Stage, rng: random.Random, quality: float
    ) -> tuple[Stage, Actor, str | None] | None:
        # A better lead makes every first (forward) branch below more likely.
        roll = rng.random() / quality
        if stage is Stage.PROSPECT:
            if roll < 0.45:
                return Stage.MQL, Actor.AUTOMATIC, None
            return (Stage.DISQUALIFIED, Actor.MARKETING, "no_fit") if roll < 0.55 else None
        if stage is Stage.MQL:
            if roll < 0.62:
                return Stage.SAL, Actor.SALES, None
            if roll < 0.85:
                reason = rng.choice(
                    ("not_now", "no_budget_yet", "wrong_contact", "insufficient_information")
                )
                return Stage.NURTURE, Actor.SALES, reason
            if roll < 0.95:
                reason = rng.choice(
                    ("no_fit", "student", "competitor", "invalid_data", "duplicate")
                )
                return Stage.DISQUALIFIED, Actor.SALES, reason
            return None
        if stage is Stage.SAL:
            if roll < 0.55:
                return Stage.SQL, Actor.SALES, None
            if roll < 0.75:
                return Stage.NURTURE, Actor.SALES, rng.choice(("timing", "no_response", "stalled"))
            return (Stage.DISQUALIFIED, Actor.SALES, "no_fit") if roll < 0.85 else None
        if stage is Stage.SQL:
            if roll < 0.38:
                return Stage.WON, Actor.SALES, None
            if roll < 0.82:
                return (
                    Stage.LOST,
                    Actor.SALES,
                    rng.choice(("price", "competitor", "no_decision", "timing")),
                )
            return None
        if stage in (Stage.LOST, Stage.DISQUALIFIED):
            return (Stage.NURTURE, Actor.MARKETING, "new_budget_cycle") if roll < 0.12 else None
        if stage is Stage.NURTURE:
            return (Stage.MQL, Actor.AUTOMATIC, None) if roll < 0.25 else None
        return None

    def _touches(
        self, index: int, campaign: Campaign, created: datetime, *, asks_for_contact: bool
    ) -> None:
        """The interest that brought the lead in, then opens, clicks and visits over time."""
        rng = self.rng
        first = _FIRST_TOUCH.get(campaign.channel, TouchType.FORM_SUBMITTED)
        touches = [(first, created, campaign.id, asks_for_contact)]
        if first is TouchType.WEBINAR_REGISTERED and rng.random() < 0.6:
            touches.append(
                (TouchType.WEBINAR_ATTENDED, created + timedelta(days=7), campaign.id, False)
            )
        span = max(min((self.now - created).total_seconds(), 150 * 86400), 0)
        for _ in range(rng.randint(0, 6)):
            kind = rng.choice(_LATER_TOUCHES)
            touches.append((kind, created + timedelta(seconds=rng.uniform(0, span)), None, False))
        for kind, at, campaign_id, asks in touches:
            if at < self.now:
                self.touch_rows.append(
                    {
                        "workspace_id": self.workspace_id,
                        "lead_index": index,
                        "type": kind.value,
                        "at": at,
                        "campaign_id": campaign_id,
                        "asks_for_contact": asks,
                        "origin": "import",
                        "created_at": at,
                    }
                )

    def _clocks(self, lead_ids: list[int]) -> list[dict[str, Any]]:
        """The hand-over deadline of every MQL entry, stopped by the move that ended it."""
        by_lead: dict[int, list[StageChange]] = defaultdict(list)
        for change in self.changes:
            by_lead[change.lead_id].append(change)
        rows = []
        for index, history in by_lead.items():
            for position, entry in enumerate(history):
                if entry.target is not Stage.MQL:
                    continue
                stop = next((c for c in history[position + 1 :] if c.source is Stage.MQL), None)
                due = add_business_hours(self.calendar, entry.at, self.policy.accept_within_hours)
                rows.append(
                    {
                        "workspace_id": self.workspace_id,
                        "lead_id": lead_ids[index],
                        "started_at": entry.at,
                        "due_at": due,
                        "recycle_at": add_business_hours(
                            self.calendar, entry.at, self.policy.recycle_after_hours
                        ),
                        "assignee_id": self.lead_rows[index]["owner_id"],
                        "source": self.lead_rows[index]["source"],
                        "stopped_at": stop.at if stop else None,
                        "stop_kind": stop_kind(stop) if stop else None,
                        "stopped_by_user_id": stop.by_user_id if stop else None,
                        "within_sla": stop.at <= due if stop else None,
                        "escalated_at": None,
                    }
                )
        return rows

    def _qualify(self, lead: Lead, at: datetime, by: int | None) -> None:
        assert lead.id is not None
        rng = self.rng
        statuses = {
            "need": Status.MET,
            "budget": rng.choice((Status.MET, Status.PARTLY, Status.MET)),
            "authority": rng.choice((Status.MET, Status.PARTLY, Status.UNKNOWN)),
            "timeline": rng.choice((Status.MET, Status.PARTLY, Status.NOT_MET)),
        }
        if qualification.grade(BANT, statuses) not in ("A", "B"):
            statuses["authority"] = Status.MET
            statuses["budget"] = Status.MET
        values: dict[str, object] = {
            "budget": {"amount": rng.choice((25000, 60000, 120000, 250000)), "currency": "EUR"},
            "timeline": (at + timedelta(days=rng.randint(30, 200))).date().isoformat(),
        }
        for key, status in statuses.items():
            self.assessment_rows.append(
                {
                    "workspace_id": self.workspace_id,
                    "lead_index": lead.id,
                    "criterion": key,
                    "status": status.value,
                    "value": values.get(key),
                    "note": None,
                    "by_user_id": by,
                    "at": at,
                }
            )
        new_grade = qualification.grade(BANT, statuses)
        self.grade_rows.append(
            {
                "workspace_id": self.workspace_id,
                "lead_index": lead.id,
                "old_grade": lead.grade,
                "new_grade": new_grade,
                "by_user_id": by,
                "at": at,
            }
        )
        lead.grade = new_grade
        lead.version += 1

    def _activity(self, lead: Lead, at: datetime, by: int | None) -> None:
        self.activity_rows.append(
            {
                "workspace_id": self.workspace_id,
                "lead_index": lead.id,
                "kind": "call",
                "outcome": self.rng.choice(("reached", "not_reached", "meeting_booked")),
                "subject": "Erstgespräch",
                "body": None,
                "by_user_id": by,
                "at": at,
            }
        )

    def write(self, connection: Connection) -> None:
        account_ids = _insert(connection, accounts, self.account_rows)
        file_accounts(
            connection,
            self.workspace_id,
            [
                (id_, row["name_key"])
                for id_, row in zip(account_ids, self.account_rows, strict=True)
            ],
        )
        for row in self.contact_rows:
            row["account_id"] = account_ids[row.pop("account_index")]
        contact_ids = _insert(connection, contacts, self.contact_rows)
        for row in self.lead_rows:
            row["contact_id"] = contact_ids[row.pop("contact_index")]
            row["account_id"] = account_ids[row.pop("account_index")]
        lead_ids = _insert(connection, leads, self.lead_rows)
        change_rows = [
            {
                "workspace_id": self.workspace_id,
                "lead_id": lead_ids[c.lead_id],
                "source": c.source.value if c.source else None,
                "target": c.target.value,
                "at": c.at,
                "actor": c.actor.value,
                "by_user_id": c.by_user_id,
                "reason": c.reason,
                "note": c.note,
                "automatic": c.automatic,
            }
            for c in self.changes
        ]
        connection.execute(insert(stage_changes), change_rows)
        clock_rows = self._clocks(lead_ids)
        if clock_rows:
            connection.execute(insert(sla_clocks), clock_rows)
        for table, rows in (
            (touches, self.touch_rows),
            (assessments, self.assessment_rows),
            (grade_changes, self.grade_rows),
            (activities, self.activity_rows),
        ):
            for row in rows:
                row["lead_id"] = lead_ids[row.pop("lead_index")]
            if rows:
                connection.execute(insert(table), rows)


_FIRST_TOUCH = {
    "trade_fair": TouchType.TRADE_FAIR_VISIT,
    "event": TouchType.TRADE_FAIR_VISIT,
    "webinar": TouchType.WEBINAR_REGISTERED,
    "content": TouchType.DOWNLOAD,
}
_CHANNEL_QUALITY = {"webinar": 1.2, "trade_fair": 1.15, "print": 0.8, "newsletter": 0.9}
_LATER_TOUCHES = (
    TouchType.EMAIL_OPENED,
    TouchType.EMAIL_OPENED,
    TouchType.EMAIL_CLICKED,
    TouchType.PAGE_VISIT,
    TouchType.PAGE_VISIT,
    TouchType.DOWNLOAD,
)


def _insert(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows and return their new ids in the order given."""
    if not rows:
        return []
    result = connection.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [int(row.id) for row in result]
