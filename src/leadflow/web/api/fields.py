"""Custom field endpoints: list, define (promoting extras) and remove a workspace's fields."""

from __future__ import annotations

from fastapi import APIRouter, status

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.custom_fields import FieldDefinition
from leadflow.services.workspaces import custom_fields as field_service
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.field_schemas import (
    FieldCreate,
    FieldCreated,
    FieldPublic,
    FieldRemoved,
    UnconvertedPublic,
)

router = APIRouter(prefix="/api/v1/fields", tags=["fields"])


def field_public(definition: FieldDefinition) -> FieldPublic:
    return FieldPublic(
        key=definition.key,
        type=definition.type,
        label_de=definition.label_de,
        label_en=definition.label_en,
        choices=list(definition.choices),
    )


@router.get("", response_model=list[FieldPublic])
def list_fields(db: DbDep, principal: PrincipalDep) -> list[FieldPublic]:
    """The workspace's custom fields by key."""
    with reading(db, principal.workspace_id) as uow:
        found = field_service.list_fields(uow)
    return [field_public(definition) for definition in found]


@router.post("", response_model=FieldCreated, status_code=status.HTTP_201_CREATED)
def create_field(
    body: FieldCreate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> FieldCreated:
    """Define a custom field (admins only) and promote every lead's extra of the same key (or
    of `from_extra`); values that do not convert stay extras and are listed in `kept`."""
    definition = FieldDefinition(
        body.key, body.type, body.label_de, body.label_en, tuple(body.choices)
    )
    promotion = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: field_service.define_field(
            uow, definition, by=principal, now=now, from_extra=body.from_extra
        ),
    )
    return FieldCreated(
        field=field_public(definition),
        promoted_from=promotion.from_extra,
        converted=promotion.converted,
        kept=[UnconvertedPublic(**item.__dict__) for item in promotion.kept],
    )


@router.delete("/{key}", response_model=FieldRemoved)
def remove_field(key: str, db: DbDep, principal: PrincipalDep, now: NowDep) -> FieldRemoved:
    """Remove a custom field (admins only); its values go back to the leads' extras."""
    moved = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: field_service.remove_field(uow, key, by=principal, now=now),
    )
    return FieldRemoved(key=key, values_moved_to_extras=moved)
