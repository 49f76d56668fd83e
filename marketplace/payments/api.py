"""Payments API: the Stripe webhook, payout onboarding, invoices."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, request
from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role
from marketplace.contracts.services import visible_contract
from marketplace.errors import DomainError, NotFound
from marketplace.http import Blueprint
from marketplace.payments import escrow, exports, invoices, mandate, payouts, webhooks
from marketplace.payments.models import Invoice
from marketplace.payments.schemas import (
    BillingMandateOut,
    ExportIn,
    InvoiceOut,
    OnboardingIn,
    OnboardingOut,
    PayoutAccountOut,
    WebhookOut,
)
from marketplace.payments.stripe_provider import StripeProvider
from marketplace.urls import external_url

blp = Blueprint(
    "payments", __name__, url_prefix="/api/v1", description="Payments: webhooks, payouts, invoices"
)


class InvalidSignature(DomainError):
    status_code = 400
    code = "invalid_signature"


@blp.route("/payments/stripe/webhook")
class StripeWebhook(MethodView):
    @blp.response(200, WebhookOut)
    @blp.doc(security=[])
    def post(self) -> dict[str, Any]:
        """Stripe events (signed with `Stripe-Signature`; no bearer token).

        A missing, wrong or stale signature is refused with 400 and nothing is
        recorded. Each event id is handled once; a redelivery answers 200.
        """
        provider = escrow.provider()
        if not isinstance(provider, StripeProvider):
            raise NotFound("Stripe n'est pas le fournisseur de paiement configuré.")
        try:
            event = provider.verify_event(
                request.get_data(cache=True), request.headers.get("Stripe-Signature")
            )
        except ValueError:
            raise InvalidSignature("Signature Stripe absente, invalide ou expirée.") from None
        return {"received": True, "outcome": webhooks.handle(event)}


@blp.route("/me/payouts")
class MyPayouts(MethodView):
    @blp.response(200, PayoutAccountOut)
    def get(self) -> payouts.PayoutSummary:
        """The calling secretary's payout account: can she be paid, and what is missing."""
        return payouts.summary_for(api_user(Role.SECRETARY))


@blp.route("/me/payouts/onboarding")
class PayoutOnboarding(MethodView):
    @blp.arguments(OnboardingIn)
    @blp.response(200, OnboardingOut)
    def post(self, data: dict[str, Any]) -> dict[str, str]:
        """Start (or resume) connecting the secretary's payout account → `{url}` to open.

        `return_url`/`refresh_url` default to the site's own pages. 409
        `email_not_verified` until she has confirmed her address (nor is she paid until
        then: `GET /me/payouts` says `email_not_verified`).
        """
        user = api_user(Role.SECRETARY)
        url = payouts.start_onboarding(
            user,
            refresh_url=data["refresh_url"] or external_url("web.payouts_refresh"),
            return_url=data["return_url"] or external_url("web.payouts_return"),
        )
        return {"url": url}


@blp.route("/me/billing-mandate")
class MyBillingMandate(MethodView):
    @blp.response(200, BillingMandateOut)
    def get(self) -> mandate.MandateState:
        """The billing mandate (mandat de facturation, CGI art. 289 I-2) under which the
        platform issues her invoices in her name: its text, version, and when she accepted
        it (`accepted_at` null until she does; until then she is not paid)."""
        return mandate.state_for(api_user(Role.SECRETARY))


@blp.route("/me/billing-mandate/accept")
class AcceptBillingMandate(MethodView):
    @blp.response(200, BillingMandateOut)
    def post(self) -> mandate.MandateState:
        """Accept the current version (her name and the date are kept). Idempotent: a
        second call answers the first acceptance. Payouts held for want of it are released
        by the next `payments release-due`."""
        return mandate.accept(api_user(Role.SECRETARY))


@blp.route("/me/invoices/export")
class AccountantExport(MethodView):
    @blp.arguments(ExportIn, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/zip")
    def get(self, query: dict[str, Any]) -> Response:
        """For the business's accountant: a ZIP of the invoices it received in `year`, each
        the Factur-X PDF as issued, with `factures-<year>.csv` listing them."""
        return zip_response(api_user(Role.BUSINESS), query["year"])


def zip_response(user: Any, year: int) -> Response:
    return Response(
        exports.accountant_zip(user, year),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{exports.filename(year)}"',
            "Cache-Control": "private, no-store",
        },
    )


@blp.route("/contracts/<uuid:contract_id>/invoices")
class ContractInvoices(MethodView):
    @blp.response(200, InvoiceOut(many=True))
    def get(self, contract_id: uuid.UUID) -> list[Invoice]:
        """The contract's invoices the caller issued or received (an operator sees all)."""
        user = api_user()
        contract = visible_contract(user, contract_id)
        return invoices.invoices_for_contract(user, contract.id)


@blp.route("/invoices/<uuid:invoice_id>")
class InvoiceItem(MethodView):
    @blp.response(200, InvoiceOut)
    def get(self, invoice_id: uuid.UUID) -> Invoice:
        """One invoice (its issuer, its recipient, an operator)."""
        return invoices.visible_invoice(api_user(), invoice_id)


@blp.route("/invoices/<uuid:invoice_id>.pdf")
class InvoicePdf(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    def get(self, invoice_id: uuid.UUID) -> Response:
        """The invoice as issued, in PDF."""
        return pdf_response(invoices.visible_invoice(api_user(), invoice_id))


@blp.route("/invoices/<uuid:invoice_id>.xml")
class InvoiceXml(MethodView):
    @blp.response(200, {"type": "string"}, content_type="application/xml")
    def get(self, invoice_id: uuid.UUID) -> Response:
        """The invoice's Factur-X XML alone (UN/CEFACT CII, profile EN 16931): the very file
        its PDF carries as `factur-x.xml`. 404 for an invoice issued before Factur-X."""
        invoice = invoices.visible_invoice(api_user(), invoice_id)
        return Response(
            invoices.invoice_xml(invoice),
            mimetype="application/xml",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="{invoices.filename(invoice, "xml")}"'
                ),
                "Cache-Control": "private, no-store",
            },
        )


def pdf_response(invoice: Invoice) -> Response:
    return Response(
        invoice.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{invoices.filename(invoice)}"',
            "Cache-Control": "private, no-store",
        },
    )
