"""The workspace's stored settings as the API and the CLI show them: the defaults until someone
stores others, and never another workspace's."""

from __future__ import annotations

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.domain.sla_settings import SlaSettings
from leadflow.services.handover.routing import current_routing_rules
from leadflow.services.handover.sla_settings import current_sla_settings
from leadflow.services.scores.scoring_settings import current_scoring_settings
from leadflow.services.workspaces.directory import workspace_members
from tests.factories import Tenant, sales_users
from tests.integration.automation_support import routing, scoring, sla


def test_a_new_workspace_shows_the_defaults(db: Database, tenant: Tenant) -> None:
    with reading(db, tenant.id) as uow:
        sla_settings, sla_toml = current_sla_settings(uow)
        routing_rules = current_routing_rules(uow)
        scoring_settings = current_scoring_settings(uow)

    assert (sla_settings, sla_toml) == (SlaSettings(), "")
    assert routing_rules == (None, None)
    assert scoring_settings.threshold is None


def test_stored_settings_are_shown_to_their_workspace_only(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    [anna] = sales_users(db, tenant, "anna")
    rules = f'default_team = "A"\n[[team]]\nname = "A"\nmembers = [{{ user = {anna} }}]'
    routing(db, tenant, rules)
    sla(db, tenant, 'bundesland = "BY"')
    scoring(db, tenant, mql_min_fit=40, mql_min_engagement=20)

    with reading(db, tenant.id) as uow:
        sla_settings, sla_toml = current_sla_settings(uow)
        routing_toml, routing_rules = current_routing_rules(uow)
        threshold = current_scoring_settings(uow).threshold
    with reading(db, other_tenant.id) as uow:
        others = current_sla_settings(uow), current_routing_rules(uow)

    assert (sla_settings.bundesland, sla_toml) == ("BY", 'bundesland = "BY"')
    assert routing_toml == rules
    assert routing_rules is not None and routing_rules.default_team.name == "A"
    assert threshold is not None and (threshold.min_fit, threshold.min_engagement) == (40, 20)
    assert others == ((SlaSettings(), ""), (None, None))


def test_the_members_are_the_users_of_the_workspace(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    [anna] = sales_users(db, tenant, "anna")

    with reading(db, tenant.id) as uow:
        members = {member.user_id for member in workspace_members(uow)}

    assert anna in members and set(tenant.user_ids.values()) <= members
    assert not members & set(other_tenant.user_ids.values())
