"""Saved search input and output (the OpenAPI document is generated from these)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, post_load, validate

from marketplace.pagination import PageOut
from marketplace.saved_searches.models import KINDS
from marketplace.search.schemas import MissionSearchQuery, SecretaryFilters

CRITERIA_SCHEMAS: dict[str, type[Schema]] = {
    "secretaries": SecretaryFilters,
    "missions": MissionSearchQuery,
}


def clean_criteria(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The criteria validated by the search endpoint's own schema, as JSON (no empty ones)."""
    loaded = CRITERIA_SCHEMAS[kind]().load(raw)
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in loaded.items()
        if value not in (None, "", [])
    }


class SavedSearchIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    criteria = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata={
            "description": "The filters of GET /search/secretaries or /search/missions "
            "(without page and per_page)"
        },
    )
    alert = fields.Boolean(
        load_default=True,
        metadata={"description": "Tell me (saved_search_match) when a new or changed one fits"},
    )

    @post_load
    def _criteria(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        kind = data["kind"]
        try:
            data["criteria"] = clean_criteria(kind, data.get("criteria") or {})
        except ValidationError as err:
            raise ValidationError({"criteria": err.normalized_messages()}) from err
        if len(str(data["criteria"])) > 2000:
            raise ValidationError(str(_l("Critères trop longs.")), "criteria")
        return data


class SavedSearchOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    criteria = fields.Dict()
    alert = fields.Boolean()
    created_at = fields.DateTime()
    url = fields.String(metadata={"description": "The search page with these criteria"})


class SavedSearchPage(PageOut):
    results = fields.List(fields.Nested(SavedSearchOut), required=True)
