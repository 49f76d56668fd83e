from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.payments import facturx


class OnboardingIn(Schema):
    refresh_url = fields.Url(load_default=None, allow_none=True, require_tld=False)
    return_url = fields.Url(load_default=None, allow_none=True, require_tld=False)


class OnboardingOut(Schema):
    url = fields.String(metadata={"description": "Open it in a browser to connect the account."})


class PayoutAccountOut(Schema):
    provider = fields.String()
    account_id = fields.String(allow_none=True)
    payouts_enabled = fields.Boolean()
    details_submitted = fields.Boolean()
    status = fields.String(
        metadata={
            "description": "enabled, pending, none, or email_not_verified (she confirms her "
            "address first: no onboarding, no payout until then), or "
            "billing_mandate_not_accepted (no payout until she accepts the billing mandate)"
        }
    )
    message = fields.String()
    account_status = fields.String(metadata={"description": "The payout account alone"})
    billing_mandate_accepted = fields.Boolean()


class ExportIn(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class BillingMandateOut(Schema):
    version = fields.String(required=True)
    text = fields.String(required=True)
    accepted_at = fields.DateTime(allow_none=True)
    signer_name = fields.String(
        allow_none=True, metadata={"description": "The name she accepted under"}
    )


class InvoiceOut(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    part_id = fields.UUID(
        allow_none=True, metadata={"description": "The period or milestone it bills, if any."}
    )
    kind = fields.String(
        metadata={
            "description": "service (secretary → business), commission (platform → secretary), "
            "or their credit notes: service_credit, commission_credit"
        }
    )
    document_type = fields.Function(
        lambda invoice: "credit_note" if invoice.is_credit_note else "invoice",
        metadata={"description": "invoice or credit_note (avoir)"},
    )
    type_code = fields.Function(
        lambda invoice: facturx.type_code(invoice.data),
        metadata={"description": "UNTDID 1001 code of the e-invoice: 380, 389, 381, 261"},
    )
    corrects = fields.Function(
        lambda invoice: invoice.data.get("corrects"),
        allow_none=True,
        metadata={"description": "A credit note: the invoice it corrects, {id, number, issued_on}"},
    )
    reason = fields.Function(lambda invoice: invoice.data.get("reason"), allow_none=True)
    number = fields.String()
    issued_at = fields.DateTime()
    issuer_name = fields.Function(lambda invoice: invoice.data["issuer"]["name"])
    recipient_name = fields.Function(lambda invoice: invoice.data["recipient"]["name"])
    currency = fields.Constant("EUR")
    total_excl_tax_cents = fields.Integer()
    vat_cents = fields.Integer()
    total_cents = fields.Integer()
    vat_mention = fields.Function(lambda invoice: invoice.data.get("vat_mention"))
    pdf_url = fields.Function(lambda invoice: f"/api/v1/invoices/{invoice.id}.pdf")


class CreditIn(Schema):
    invoice_id = fields.UUID(
        required=True, metadata={"description": "Her service invoice to refund from"}
    )
    amount_cents = fields.Integer(
        required=True,
        validate=validate.Range(min=1),
        metadata={"description": "Given back to the business, all taxes included"},
    )
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class CreditOut(Schema):
    credit_notes = fields.List(fields.Nested(InvoiceOut))


class WebhookOut(Schema):
    received = fields.Boolean()
    outcome = fields.String()
