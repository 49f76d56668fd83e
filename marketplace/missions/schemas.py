from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from marketplace.pagination import PageOut
from marketplace.profiles.schemas import PlaceOut
from marketplace.slots import SlotOut, slot_list
from marketplace.taxonomy import SKILL_CODES, SPECIALTY_CODES
from marketplace.validation import PostalCode, code_list


class WarningOut(Schema):
    code = fields.String()
    field = fields.String()
    message = fields.String()
    hourly_cents = fields.Integer(allow_none=True)


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
    # Regular work (API.md, Regular work).
    schedule = fields.String(
        load_default="one_off", validate=validate.OneOf(["one_off", "recurring"])
    )
    period = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(["week", "month"])
    )
    hours_per_period = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=0.5, max=250)
    )
    weekly_slots = slot_list(load_default=list)
    notice_days = fields.Integer(load_default=7, validate=validate.Range(min=0, max=90))


class MissionCreateIn(MissionIn):
    """A new mission; with `invite_secretary_id`, a direct proposal to one secretary: the
    mission and her invitation are made together (API.md, Missions)."""

    invite_secretary_id = fields.UUID(load_default=None, allow_none=True)
    invite_message = fields.String(load_default="", validate=validate.Length(max=2000))


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
    schedule = fields.String()
    period = fields.String(allow_none=True)
    hours_per_period = fields.Float(allow_none=True)
    weekly_slots = fields.List(fields.Nested(SlotOut))
    notice_days = fields.Integer()
    # What the business should look at before relying on the mission (an implausible
    # hourly figure); computed, never stored.
    warnings = fields.Method("_warnings")
    status = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    # Views set `details_visible` on the object for the caller (confidentiality agreement).
    def _details_visible(self, obj: Any) -> bool:
        return bool(getattr(obj, "viewer_sees_details", True))

    def _warnings(self, obj: Any) -> list[dict[str, Any]]:
        from marketplace.missions.services import budget_warnings

        return [w.as_dict() for w in budget_warnings(obj)]

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


class NdaAcceptanceOut(Schema):
    name = fields.String()
    accepted_at = fields.DateTime()
    sha256 = fields.String(allow_none=True)


class NdaOut(Schema):
    """A confidential mission's confidentiality agreement (`missions.nda`)."""

    sha256 = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    pdf_url = fields.String()
    acceptance = fields.Nested(NdaAcceptanceOut, allow_none=True)


class NdaAcceptIn(Schema):
    # The SHA-256 of the version she read; when given it must be the current one.
    sha256 = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9a-fA-F]{64}$"))
