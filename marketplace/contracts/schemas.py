from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from marketplace.pagination import PageOut


class MoneyOut(Schema):
    """The contract's money from the ledger (integer cents)."""

    amount_cents = fields.Integer()
    funded_cents = fields.Integer()
    held_cents = fields.Integer()
    paid_out_cents = fields.Integer()
    refunded_cents = fields.Integer()
    commission_cents = fields.Integer()
    payout_cents = fields.Integer()
    settled = fields.Boolean()


class ContractOut(Schema):
    """A contract as its caller sees it: dumped from the ORM object with its `view`
    (`contracts.view.ContractView`) attached by the route."""

    id = fields.UUID()
    mission_id = fields.UUID()
    mission_title = fields.String(attribute="mission.title")
    bid_id = fields.UUID()
    business_id = fields.UUID()
    secretary_id = fields.UUID()
    status = fields.String()
    kind = fields.String()
    amount_cents = fields.Integer()
    # Hourly and recurring work (API.md, Regular work).
    hourly_rate_cents = fields.Integer(allow_none=True)
    cap_minutes_per_period = fields.Integer(allow_none=True)
    period = fields.String(allow_none=True)
    notice_days = fields.Integer()
    surcharges = fields.Method("_surcharges")
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    end_requested_at = fields.DateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    commission_cents = fields.Integer(
        attribute="view.money.commission_cents",
        metadata={"description": "Agreed commission; once settled, the commission taken."},
    )
    payout_cents = fields.Integer(
        attribute="view.money.payout_cents",
        metadata={"description": "Agreed payout; once settled, what the secretary received."},
    )
    money = fields.Nested(MoneyOut, attribute="view.money")
    status_label = fields.String(attribute="view.status_label")
    commission_percent = fields.Method("_commission_percent")
    currency = fields.Constant("EUR")
    payment_provider = fields.String()
    payment_intent_id = fields.String(allow_none=True)
    transfer_id = fields.String(allow_none=True)
    refund_id = fields.String(allow_none=True)
    payment_error = fields.String(allow_none=True)
    dispute_reason = fields.String(allow_none=True)
    resolution_release_cents = fields.Integer(allow_none=True)
    resolution_refund_cents = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    funded_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    released_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    disputed_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    auto_release_at = fields.DateTime(attribute="view.auto_release_at", allow_none=True)
    review_deadline = fields.DateTime(allow_none=True)
    next_actions = fields.List(fields.String(), attribute="view.next_actions")
    payout_pending = fields.String(
        attribute="view.payout_pending",
        allow_none=True,
        metadata={"description": "Approved, held until the secretary can be paid: why."},
    )

    def _surcharges(self, obj: Any) -> dict[str, int]:
        return {
            "urgent_percent": obj.urgent_surcharge_percent,
            "evening_percent": obj.evening_surcharge_percent,
            "weekend_percent": obj.weekend_surcharge_percent,
        }

    def _commission_percent(self, obj: Any) -> float:
        return float(obj.commission_basis_points) / 100


class PeriodOut(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    sequence = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    status = fields.String()
    status_label = fields.Method("_label")
    cap_minutes = fields.Integer()
    cap_cents = fields.Integer()
    funded_cents = fields.Integer()
    logged_minutes = fields.Integer(attribute="usage.minutes")
    logged_cents = fields.Integer(attribute="usage.amount_cents")
    approved_cents = fields.Integer()
    commission_cents = fields.Integer()
    released_cents = fields.Integer()
    refunded_cents = fields.Integer()
    held_cents = fields.Method("_held")
    auto_approved = fields.Boolean()
    auto_approve_at = fields.DateTime(allow_none=True)
    payment_error = fields.String(allow_none=True)
    dispute_reason = fields.String(allow_none=True)
    funded_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)

    def _label(self, obj: Any) -> str:
        from marketplace.contracts.models import PERIOD

        return PERIOD.label(obj.status)

    def _held(self, obj: Any) -> int:
        return int(
            obj.funded_cents - obj.released_cents - obj.commission_cents - obj.refunded_cents
        )


class MilestoneOut(Schema):
    """A milestone of a fixed-price contract, with its own escrow."""

    id = fields.UUID()
    contract_id = fields.UUID()
    position = fields.Integer()
    title = fields.String()
    amount_cents = fields.Integer()
    commission_cents = fields.Integer()
    payout_cents = fields.Integer()
    due_date = fields.Date()
    status = fields.String()
    status_label = fields.Method("_label")
    held_cents = fields.Integer(metadata={"description": "In escrow now for this milestone."})
    payment_intent_id = fields.String(allow_none=True)
    payment_error = fields.String(allow_none=True)
    transfer_id = fields.String(allow_none=True)
    refund_id = fields.String(allow_none=True)
    resolution_release_cents = fields.Integer(allow_none=True)
    resolution_refund_cents = fields.Integer(allow_none=True)
    funded_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    released_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    disputed_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    auto_release_at = fields.DateTime(allow_none=True)

    def _label(self, obj: Any) -> str:
        from marketplace.contracts.models import MILESTONE

        return MILESTONE.label(obj.status)


class MilestoneFundOut(Schema):
    id = fields.UUID()
    status = fields.String()
    payment = fields.Nested(lambda: PaymentOut())
    milestone = fields.Nested(MilestoneOut)


class PeriodFundOut(Schema):
    id = fields.UUID()
    status = fields.String()
    payment = fields.Nested(lambda: PaymentOut())
    period = fields.Nested(PeriodOut)


class TimeEntryIn(Schema):
    date = fields.Date(required=True)
    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=1440))
    description = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    rate_kind = fields.String(
        load_default="normal", validate=validate.OneOf(["normal", "urgent", "evening", "weekend"])
    )
    urgent_request_id = fields.UUID(load_default=None, allow_none=True)


class UrgentRequestIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=140))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    deadline = fields.AwareDateTime(required=True, default_timezone=None)


class DeclineIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class UrgentRequestOut(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    title = fields.String()
    description = fields.String()
    deadline = fields.DateTime()
    status = fields.String()
    decline_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)


class TimeEntryPatch(TimeEntryIn):
    """Every field optional; only the fields sent change."""


class TimeEntryOut(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    period_id = fields.UUID()
    date = fields.Date(attribute="worked_on")
    minutes = fields.Integer()
    description = fields.String()
    rate_kind = fields.String()
    urgent_request_id = fields.UUID(allow_none=True)
    rate_cents = fields.Integer()
    amount_cents = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class TimeEntryQuery(Schema):
    period_id = fields.UUID(load_default=None, allow_none=True)


class EndIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))


class ContractPage(PageOut):
    results = fields.List(fields.Nested(ContractOut))


class ContractListQuery(Schema):
    """The filter of the contract lists (`page`/`per_page` come from @blp.paginate)."""

    status = fields.String(
        load_default=None,
        validate=validate.OneOf(
            [
                "awaiting_funding",
                "funded",
                "delivered",
                "released",
                "cancelled",
                "disputed",
                "resolved",
                "active",
                "paused",
                "ended",
            ]
        ),
    )


class FundIn(Schema):
    success_url = fields.Url(load_default=None, allow_none=True, require_tld=False)
    cancel_url = fields.Url(load_default=None, allow_none=True, require_tld=False)


class PaymentOut(Schema):
    provider = fields.String()
    reference = fields.String()
    client_secret = fields.String(allow_none=True)
    checkout_url = fields.String(allow_none=True)


class FundOut(Schema):
    id = fields.UUID()
    status = fields.String()
    payment = fields.Nested(PaymentOut)
    contract = fields.Nested(ContractOut)


class CancelIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class DisputeIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=10, max=4000))


class ResolveIn(Schema):
    release_cents = fields.Integer(required=True, validate=validate.Range(min=0))
    refund_cents = fields.Integer(required=True, validate=validate.Range(min=0))
    note = fields.String(load_default="", validate=validate.Length(max=4000))


class LedgerEntryOut(Schema):
    id = fields.UUID()
    transaction_id = fields.UUID()
    kind = fields.String()
    account = fields.String()
    amount_cents = fields.Integer()
    provider_reference = fields.String(allow_none=True)
    created_at = fields.DateTime()


class LedgerOut(Schema):
    contract_id = fields.UUID()
    currency = fields.Constant("EUR")
    entries = fields.List(fields.Nested(LedgerEntryOut))
    balances = fields.Dict(keys=fields.String(), values=fields.Integer())
    held_cents = fields.Integer()
    balanced = fields.Boolean()


class ContractEventOut(Schema):
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor_id = fields.UUID(allow_none=True)
    note = fields.String()
    at = fields.DateTime()


class AgreementAcceptanceOut(Schema):
    role = fields.String()
    name = fields.String()
    accepted_at = fields.DateTime()
    sha256 = fields.String()


class AgreementOut(Schema):
    """The contract's written service agreement (`contracts.agreement`)."""

    sha256 = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    acceptances = fields.List(fields.Nested(AgreementAcceptanceOut))
    accepted_by_both = fields.Boolean()
    personal_data_annex = fields.Boolean()
    pdf_url = fields.String()


class AgreementAcceptIn(Schema):
    # The SHA-256 of the document she read; when given it must be the agreement's.
    sha256 = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9a-fA-F]{64}$"))
