"""The worker process: webhook deliveries, e-mail, background jobs, SLA checks, task reminders,
purges and the daily check of the predictive models, in one loop."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.uow import in_unit_of_work
from leadflow.adapters.webhook_http import WebhookSender
from leadflow.domain.errors import InvalidInput
from leadflow.domain.quarantine import DEFAULT_KEEP_DAYS
from leadflow.services.imports.import_jobs import UploadImports, unfinished_imports
from leadflow.services.imports.import_recovery import fail_abandoned_imports
from leadflow.services.intake.idempotency import forget_expired_keys
from leadflow.services.intake.quarantine import purge_quarantine_everywhere
from leadflow.services.lifecycle.sla_check import SlaCheck, check_sla
from leadflow.services.notifications.mail_sending import (
    MailRetry,
    MailSender,
    queued_mail,
    send_due_mail,
)
from leadflow.services.prediction.model_monitoring import check_models_everywhere
from leadflow.services.privacy.retention import purge_everywhere
from leadflow.services.tasks.reminders import remind_due_tasks_everywhere
from leadflow.services.webhooks.delivery import Clock, deliver_due
from leadflow.services.worker.jobs import run_next_job

Log = Callable[[str], None]
DEFAULT_MAIL_RETRY = MailRetry()


@dataclass(frozen=True)
class WorkerOptions:
    poll_seconds: float = 1.0
    batch: int = 10
    timeout_seconds: float = 10.0
    lease_seconds: float = 180.0
    """How long a claimed delivery or job stays with this worker before another may take it."""
    sla_every_seconds: float = 300.0
    purge_every_seconds: float = 3600.0
    """How often the retention rules of every workspace are applied, expired
    idempotency keys deleted and old form quarantine entries purged."""
    quarantine_days: int = DEFAULT_KEEP_DAYS
    """How long a quarantined form submission is kept (LEADFLOW_FORM_QUARANTINE_DAYS)."""
    import_max_seconds: float = 21_600.0
    """An import running longer than this, or whose process is gone, is failed with its
    reason (LEADFLOW_UPLOAD_IMPORT_SECONDS)."""
    models_every_seconds: float = 86_400.0
    """How often every workspace's predictive models are checked for drift and calibration
    (a training job is queued where they call for one)."""

    def __post_init__(self) -> None:
        if self.lease_seconds <= self.batch * (self.timeout_seconds + 1):
            raise InvalidInput(
                f"the lease ({self.lease_seconds:g} s) must outlast a batch of {self.batch} "
                f"deliveries at {self.timeout_seconds:g} s each",
                field="lease_seconds",
            )


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_sla_everywhere(db: Database, now: datetime) -> dict[str, SlaCheck]:
    """Escalate and recycle overdue MQLs in every workspace."""
    with db.reading() as connection:
        workspaces = Directory(connection).all_workspaces()
    results = {}
    for workspace in workspaces:
        assert workspace.id is not None
        results[workspace.slug] = in_unit_of_work(db, workspace.id, lambda uow: check_sla(uow, now))
    return results


def _due(last: datetime, now: datetime, every_seconds: float) -> bool:
    return (now - last).total_seconds() >= every_seconds


def run_worker(
    db: Database,
    *,
    key: bytes,
    options: WorkerOptions,
    stop: threading.Event,
    log: Log,
    once: bool = False,
    clock: Clock = utc_now,
    mail: MailSender | None = None,
    public_url: str = "http://127.0.0.1:8000",
    mail_retry: MailRetry = DEFAULT_MAIL_RETRY,
    imports: UploadImports | None = None,
) -> None:
    """Work until `stop` is set (or one round with `once`); sleep when there is nothing to do.

    Without a mail sender (LEADFLOW_SMTP_URL unset) e-mails stay queued; that is logged once.
    Imports started from the web need `imports`: the upload directory and limits."""
    sender = WebhookSender(timeout_seconds=options.timeout_seconds)
    rng = random.SystemRandom()
    told_unconfigured = False
    last_sla_check: datetime | None = None
    last_purge: datetime | None = None
    last_model_check: datetime | None = None
    try:
        while not stop.is_set():
            busy = False
            delivered = deliver_due(
                db,
                key=key,
                sender=sender,
                clock=clock,
                rng=rng,
                lease_seconds=options.lease_seconds,
                batch=options.batch,
            )
            if delivered.attempts or delivered.lost_claims:
                busy = True
                log(
                    f"webhooks: {delivered.delivered} delivered, {delivered.retried} to retry, "
                    f"{delivered.dead} dead-lettered, {delivered.lost_claims} claims lost"
                )
            if mail is not None:
                mailed = send_due_mail(
                    db, sender=mail, public_url=public_url, clock=clock, rng=rng,
                    lease_seconds=options.lease_seconds, batch=options.batch, retry=mail_retry,
                )  # fmt: skip
                if mailed.attempts or mailed.lost_claims:
                    busy = True
                    log(
                        f"e-mail: {mailed.sent} sent, {mailed.retried} to retry, "
                        f"{mailed.failed} failed, {mailed.lost_claims} claims lost"
                    )
            elif not told_unconfigured and queued_mail(db):
                told_unconfigured = True
                log("e-mail: sending is not configured (LEADFLOW_SMTP_URL); e-mails stay queued")
            job = run_next_job(
                db, clock=clock, lease_seconds=options.lease_seconds, imports=imports
            )
            if job is not None:
                busy = True
                log(f"job {job.id} ({job.kind}) {job.status}: {job.error or job.result}")
            now = clock()
            if (
                once
                or last_sla_check is None
                or ((now - last_sla_check).total_seconds() >= options.sla_every_seconds)
            ):
                last_sla_check = now
                for slug, result in check_sla_everywhere(db, now).items():
                    if result.escalated or result.recycled:
                        log(
                            f"sla {slug}: {len(result.escalated)} escalated, "
                            f"{len(result.recycled)} recycled"
                        )
                for slug, count in remind_due_tasks_everywhere(db, now).items():
                    log(f"tasks {slug}: {count} assignees told of tasks due")
            if once or last_purge is None or _due(last_purge, now, options.purge_every_seconds):
                last_purge = now
                for slug, report in purge_everywhere(db, now=now).items():
                    if report.expired:
                        log(f"retention {slug}: {len(report.expired)} leads deleted")
                forgotten = forget_expired_keys(db, now=now)
                if forgotten:
                    log(f"idempotency: {forgotten} expired keys deleted")
                purged = purge_quarantine_everywhere(db, now=now, keep_days=options.quarantine_days)
                for slug, count in purged.items():
                    log(f"form quarantine {slug}: {count} old entries deleted")
                abandoned = fail_abandoned_imports(
                    db, now=now, max_seconds=options.import_max_seconds,
                    keep=unfinished_imports(db).import_ids,
                )  # fmt: skip
                if abandoned:
                    log(f"imports {abandoned}: failed, their process stopped")
            if (
                once
                or last_model_check is None
                or _due(last_model_check, now, options.models_every_seconds)
            ):
                last_model_check = now
                for slug, (reason, queued) in check_models_everywhere(db, now).items():
                    log(f"models {slug}: training job {queued.id} queued ({reason})")
            if once:
                return
            if not busy:
                stop.wait(options.poll_seconds)
    finally:
        sender.close()
