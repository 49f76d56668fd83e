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
    amount_cents = fields.Integer()
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

    def _commission_percent(self, obj: Any) -> float:
        return float(obj.commission_basis_points) / 100


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
