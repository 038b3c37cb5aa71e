"""The qualification form: status, value and evidence note per criterion; only what changed is
recorded, as new history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from babel.numbers import NumberFormatError, parse_decimal
from fastapi import APIRouter, Depends
from starlette.responses import Response

from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work
from leadflow.domain.errors import InvalidInput
from leadflow.domain.qualification import Assessment, Criterion, Framework, Status, ValueType
from leadflow.services.intake import leads as lead_service
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath
from leadflow.web.ui.pages import PageRoute, redirect
from leadflow.web.ui.session import FormDep, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/leads", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)


@dataclass(frozen=True)
class CriterionState:
    """A criterion as the form shows it: the latest assessment, or unknown."""

    criterion: Criterion
    status: Status
    value: object = None
    note: str | None = None
    assessed: Assessment | None = None

    @property
    def amount(self) -> object:
        return self.value.get("amount") if isinstance(self.value, Mapping) else None

    @property
    def currency(self) -> str:
        found = self.value.get("currency") if isinstance(self.value, Mapping) else None
        return str(found or "EUR")


def criterion_states(framework: Framework, history: list[Assessment]) -> list[CriterionState]:
    latest: dict[str, Assessment] = {}
    for assessment in sorted(history, key=lambda a: a.at):
        latest[assessment.criterion] = assessment
    states = []
    for criterion in framework.criteria:
        found = latest.get(criterion.key)
        if found is None:
            states.append(CriterionState(criterion, Status.UNKNOWN))
        else:
            states.append(CriterionState(criterion, found.status, found.value, found.note, found))
    return states


def parse_value(criterion: Criterion, form: Mapping[str, str], locale: str) -> object:
    """The typed value of one criterion from the form; empty fields mean no value."""
    key = criterion.key
    kind = criterion.value_type
    if kind is ValueType.NONE:
        return None
    if kind is ValueType.MONEY:
        amount = form.get(f"amount-{key}", "").strip()
        if not amount:
            return None
        currency = form.get(f"currency-{key}", "EUR").strip().upper() or "EUR"
        return {"amount": _number(amount, locale, key), "currency": currency}
    raw = form.get(f"value-{key}", "").strip()
    if not raw:
        return None
    if kind is ValueType.NUMBER:
        return _number(raw, locale, key)
    if kind is ValueType.DATE:
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise InvalidInput(f"{key}: not a date", field=key) from None
    return raw


def _number(text: str, locale: str, key: str) -> float | int:
    try:
        number = parse_decimal(text, locale=locale)
    except NumberFormatError:
        raise InvalidInput(f"{key}: not a number", field=key) from None
    return int(number) if number == number.to_integral_value() else float(number)


def changed_items(
    states: list[CriterionState], form: Mapping[str, str], locale: str
) -> list[lead_service.AssessmentInput]:
    items = []
    for state in states:
        key = state.criterion.key
        try:
            status = Status(form.get(f"status-{key}", state.status.value))
        except ValueError:
            raise InvalidInput(f"{key}: unknown status", field=key) from None
        value = parse_value(state.criterion, form, locale)
        note = form.get(f"note-{key}", "").strip() or None
        if (status, value, note) != (state.status, state.value, state.note):
            items.append(lead_service.AssessmentInput(key, status, value, note))
    return items


@router.post("/{lead_id}/qualification")
def qualify(lead_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep, form: FormDep) -> Response:
    """Record the criteria that changed and recompute the grade."""
    expected = form.get("expected_version", "")

    def record(uow: UnitOfWork) -> str:
        framework, assessments = lead_service.qualification_of(uow, lead_id)
        states = criterion_states(framework, assessments)
        items = changed_items(states, form, viewer.locale)
        if not items:
            return "unchanged"
        lead_service.qualify_lead(
            uow,
            lead_id,
            items,
            by=viewer.principal,
            now=now,
            expected_version=int(expected) if expected.isascii() and expected.isdigit() else None,
        )
        return "qualified"

    done = in_unit_of_work(db, viewer.workspace_id, record)
    return redirect(f"/app/leads/{lead_id}#qualification", done=done)
