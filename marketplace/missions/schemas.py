from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from marketplace.pagination import PageOut
from marketplace.profiles.schemas import PlaceOut
from marketplace.taxonomy import SKILL_CODES, SPECIALTY_CODES
from marketplace.validation import PostalCode, code_list


class MissionIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=5, max=140))
    description = fields.String(required=True, validate=validate.Length(min=20, max=8000))
    specialty = fields.String(required=True, validate=validate.OneOf(SPECIALTY_CODES))
    skills = code_list(SKILL_CODES)
    pricing = fields.String(required=True, validate=validate.OneOf(["fixed", "hourly"]))
    budget_cents = fields.Integer(required=True, validate=validate.Range(min=1_000, max=10_000_000))
    estimated_hours = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=0.5, max=2_000)
    )
    postal_code = PostalCode(required=True)
    country = fields.String(load_default="FR", validate=validate.Length(equal=2))
    remote_ok = fields.Boolean(load_default=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(load_default=None, allow_none=True)
    urgent = fields.Boolean(load_default=False)
    confidential = fields.Boolean(load_default=False)


class MissionPatch(MissionIn):
    """Every field optional; only the fields sent change."""


class MissionListQuery(Schema):
    """The filters of `GET /missions` (`page` and `per_page` come with @blp.paginate)."""

    mine = fields.Boolean(load_default=False)
    status = fields.String(load_default=None, validate=validate.OneOf(["open", "hired", "closed"]))


class BusinessSummary(Schema):
    id = fields.UUID()
    display_name = fields.String()


class MissionOut(PlaceOut):
    id = fields.UUID()
    business_id = fields.UUID()
    business = fields.Nested(BusinessSummary)
    title = fields.String()
    description = fields.Method("_description", allow_none=True)
    details_visible = fields.Method("_details_visible")
    specialty = fields.String()
    skills = fields.List(fields.String())
    pricing = fields.String()
    budget_cents = fields.Integer()
    estimated_hours = fields.Float(allow_none=True)
    remote_ok = fields.Boolean()
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    urgent = fields.Boolean()
    confidential = fields.Boolean()
    status = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    # Views set `details_visible` on the object for the caller (confidentiality agreement).
    def _details_visible(self, obj: Any) -> bool:
        return bool(getattr(obj, "viewer_sees_details", True))

    def _description(self, obj: Any) -> str | None:
        return obj.description if self._details_visible(obj) else None


class MissionPage(PageOut):
    results = fields.List(fields.Nested(MissionOut), required=True)


class InvitationIn(Schema):
    secretary_id = fields.UUID(required=True)
    message = fields.String(load_default="", validate=validate.Length(max=2000))


class InvitationOut(Schema):
    id = fields.UUID()
    mission_id = fields.UUID()
    secretary_id = fields.UUID()
    message = fields.String()
    created_at = fields.DateTime()


class InvitationPage(PageOut):
    results = fields.List(fields.Nested(InvitationOut), required=True)
