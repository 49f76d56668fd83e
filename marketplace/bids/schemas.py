from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.bids.compare import SORTS
from marketplace.pagination import PageOut


class BidMilestoneIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=140))
    amount_cents = fields.Integer(required=True, validate=validate.Range(min=100))
    due_date = fields.Date(required=True)


class BidMilestoneOut(Schema):
    position = fields.Integer()
    title = fields.String()
    amount_cents = fields.Integer()
    due_date = fields.Date()


class BidIn(Schema):
    # Fixed missions: the price. Hourly or recurring ones: `hourly_rate_cents` (the amount
    # is then the rate times the hours, computed); an amount alone with its hours still works.
    amount_cents = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1_000, max=10_000_000)
    )
    estimated_hours = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=0.5, max=2_000)
    )
    hourly_rate_cents = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=500, max=50_000)
    )
    hours_per_period = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=0.5, max=250)
    )
    start_date = fields.Date(load_default=None, allow_none=True)
    message = fields.String(load_default="", validate=validate.Length(max=4000))
    # Fixed missions: the amount split into 2 to 10 milestones adding up to it (optional).
    milestones = fields.List(fields.Nested(BidMilestoneIn), load_default=None, allow_none=True)


class BidOut(Schema):
    id = fields.UUID()
    mission_id = fields.UUID()
    secretary_id = fields.UUID()
    secretary_name = fields.String(attribute="secretary.display_name")
    amount_cents = fields.Integer()
    estimated_hours = fields.Float(allow_none=True)
    hourly_rate_cents = fields.Integer(allow_none=True)
    hours_per_period = fields.Float(allow_none=True)
    start_date = fields.Date(allow_none=True)
    message = fields.String()
    milestones = fields.List(fields.Nested(BidMilestoneOut))
    status = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class QuoteFactsOut(Schema):
    """What the owner compares quotes on (marketplace/bids/compare.py)."""

    hourly_equivalent_cents = fields.Integer(allow_none=True)
    rating_avg = fields.Float(allow_none=True)
    rating_count = fields.Integer()
    distance_km = fields.Float(allow_none=True)
    can_start_on = fields.Date(allow_none=True)
    slot_coverage_percent = fields.Integer(allow_none=True)


class MissionBidOut(BidOut):
    """A bid on the mission's list; for the owner (and an operator) with `comparison`."""

    comparison = fields.Nested(QuoteFactsOut, allow_none=True, dump_default=None)


class MissionBidsQuery(Schema):
    sort = fields.String(
        load_default="received",
        validate=validate.OneOf(SORTS),
        metadata={"description": "received (default), price, hourly, rating, distance, start"},
    )


class BidPage(PageOut):
    results = fields.List(fields.Nested(BidOut), required=True)
