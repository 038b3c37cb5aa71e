"""The lead page: contact and account, stage history, qualification, scores, work, actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.lead_summaries import summaries, summary_from_row
from leadflow.adapters.db.tables import leads
from leadflow.adapters.db.uow import reading
from leadflow.domain import qualification
from leadflow.domain.custom_fields import FieldDefinition, FieldType, FieldValue
from leadflow.domain.errors import ModelNotTrained
from leadflow.domain.privacy import LegalBasis, Purpose
from leadflow.domain.qualification import Framework, Status
from leadflow.domain.stages import Role
from leadflow.services.handover.clock import sla_state_for
from leadflow.services.lifecycle import rules
from leadflow.services.prediction.prediction_views import LeadPrediction, lead_prediction
from leadflow.services.privacy.consent import legal_bases
from leadflow.services.scores.scoring import lead_score
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import IdPath
from leadflow.web.ui.moves import move_options
from leadflow.web.ui.pages import PageRoute, page
from leadflow.web.ui.qualification_form import criterion_states
from leadflow.web.ui.rendering import DISPLAY_ZONE
from leadflow.web.ui.session import ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/leads", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)


@dataclass(frozen=True)
class GateView:
    """Whether the lead would pass the SAL -> SQL gate, and what is missing."""

    grades: tuple[str, ...]
    grade_ok: bool
    missing_criteria: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.grade_ok and not self.missing_criteria


def gate_view(framework: Framework, statuses: dict[str, Status], grade: str) -> GateView:
    missing = tuple(
        key for key in framework.gate.required_met if statuses.get(key) is not Status.MET
    )
    grades = tuple(sorted(framework.gate.grades))
    return GateView(grades, grade in framework.gate.grades, missing)


def shown_fields(
    definitions: list[FieldDefinition], values: dict[str, FieldValue]
) -> list[tuple[FieldDefinition, FieldValue | date | None]]:
    """Each of the workspace's fields with the lead's value, a date as a date to format."""
    shown: list[tuple[FieldDefinition, FieldValue | date | None]] = []
    for definition in definitions:
        value = values.get(definition.key)
        if definition.type is FieldType.DATE and isinstance(value, str):
            shown.append((definition, date.fromisoformat(value)))
        else:
            shown.append((definition, value))
    return shown


@router.get("/{lead_id}")
def lead_page(
    request: Request, lead_id: IdPath, viewer: ViewerDep, db: DbDep, now: NowDep
) -> Response:
    """One lead with everything a sales or marketing user needs to work on it."""
    with reading(db, viewer.workspace_id) as uow:
        details = uow.leads.details(lead_id)
        summary_row = uow.connection.execute(
            summaries(viewer.workspace_id, leads.c.id == lead_id)
        ).first()
        history = uow.leads.history(lead_id)
        config = uow.directory.workspace_config(viewer.workspace_id)
        assessments = uow.leads.assessments(lead_id)
        activities = uow.work.activities(lead_id)
        tasks = uow.work.tasks(lead_id)
        members = {m.user_id: m for m in uow.directory.members(viewer.workspace_id)}
        campaign_id = details.lead.campaign_id
        campaign = uow.campaigns.get(campaign_id) if campaign_id is not None else None
        score = lead_score(uow, lead_id, at=now)
        sla = sla_state_for(uow, lead_id, now)
        bases, _history = legal_bases(uow, lead_id)
        definitions = uow.fields.all()
        try:
            prediction: LeadPrediction | None = lead_prediction(uow, lead_id)
        except ModelNotTrained:
            prediction = None
    framework = rules.framework(config)
    states = criterion_states(framework, assessments)
    statuses = {state.criterion.key: state.status for state in states}
    grade = qualification.grade(framework, statuses)
    lead = details.lead
    options = {
        lead.stage: move_options(rules.transition_table(config), lead.stage, viewer.principal.actor)
    }
    name = details.contact.full_name or details.contact.email or f"#{lead_id}"
    return page(
        request,
        "leads/detail.html",
        details=details,
        lead=lead,
        lead_name=name,
        card=summary_from_row(summary_row) if summary_row is not None else None,
        history=list(reversed(history)),
        framework=framework,
        states=states,
        grade=grade,
        gate=gate_view(framework, statuses, grade),
        activities=activities,
        tasks=tasks,
        members=members,
        campaign=campaign,
        score=score,
        prediction=prediction,
        sla=sla,
        custom_fields=shown_fields(definitions, details.lead.custom_fields),
        bases={str(purpose): entry for purpose, entry in bases.items()},
        purposes=[purpose.value for purpose in Purpose],
        legal_bases=[basis.value for basis in LegalBasis],
        options=options,
        dialogs=[option for option in options[lead.stage] if option.reasons],
        can_work=viewer.is_(Role.SALES, Role.MARKETING),
        back=f"/app/leads/{lead_id}",
        now=now,
        today=now.astimezone(DISPLAY_ZONE).date(),
    )
