"""The lead page: contact and account, stage history, qualification, scores, work, actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import reading
from leadflow.domain import qualification
from leadflow.domain.custom_fields import FieldDefinition, FieldType, FieldValue
from leadflow.domain.privacy import LegalBasis, Purpose
from leadflow.domain.qualification import Framework, Status
from leadflow.domain.stages import Role
from leadflow.services.views.lead_views import lead_page_view
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
        view = lead_page_view(uow, lead_id, now=now)
    framework = view.framework
    states = criterion_states(framework, view.assessments)
    statuses = {state.criterion.key: state.status for state in states}
    grade = qualification.grade(framework, statuses)
    details = view.details
    lead = details.lead
    options = {lead.stage: move_options(view.transitions, lead.stage, viewer.principal.actor)}
    name = details.contact.full_name or details.contact.email or f"#{lead_id}"
    return page(
        request,
        "leads/detail.html",
        details=details,
        lead=lead,
        lead_name=name,
        card=view.card,
        history=view.history,
        framework=framework,
        states=states,
        grade=grade,
        gate=gate_view(framework, statuses, grade),
        activities=view.activities,
        tasks=view.tasks,
        members=view.members,
        campaign=view.campaign,
        score=view.score,
        prediction=view.prediction,
        sla=view.sla,
        custom_fields=shown_fields(view.fields, lead.custom_fields),
        touches=view.touches,
        merges=view.merges,
        can_merge=viewer.is_(Role.SALES, Role.MARKETING),
        touch_campaigns=view.campaign_names,
        bases={str(purpose): entry for purpose, entry in view.bases.items()},
        purposes=[purpose.value for purpose in Purpose],
        legal_bases=[basis.value for basis in LegalBasis],
        options=options,
        dialogs=[option for option in options[lead.stage] if option.reasons],
        can_work=viewer.is_(Role.SALES, Role.MARKETING),
        back=f"/app/leads/{lead_id}",
        now=now,
        today=now.astimezone(DISPLAY_ZONE).date(),
    )
