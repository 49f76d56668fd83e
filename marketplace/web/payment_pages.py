"""Payment pages: payout account (status, connect, return), invoice downloads, and the
sandbox's local onboarding page. Thin: each route loads, checks, calls one service.

The contract page and the secretary's dashboard include `payments/_contract_invoices.html`
and `payments/_payout_status.html`; their handlers pass the data those need.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired

from marketplace.accounts.models import Role
from marketplace.accounts.services import EmailNotVerified
from marketplace.payments import escrow, invoices, mandate, payouts, tax_notice
from marketplace.payments.api import pdf_response, zip_response
from marketplace.payments.sandbox import SandboxProvider
from marketplace.urls import external_url
from marketplace.web.blueprint import bp
from marketplace.web.helpers import signed_in

ONBOARDING_LINK_MAX_AGE = 60 * 60  # seconds


@bp.get("/factures/<uuid:invoice_id>.pdf")
def invoice_pdf(invoice_id: uuid.UUID) -> ResponseReturnValue:
    return pdf_response(invoices.visible_invoice(signed_in(), invoice_id))


@bp.get("/factures/export")
def invoices_export() -> ResponseReturnValue:
    year = request.args.get("annee", type=int)
    if year is None or not 2000 <= year <= 2100:
        abort(404)
    return zip_response(signed_in(Role.BUSINESS), year)


@bp.get("/versements")
def payouts_page() -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    return render_template(
        "payments/payouts.html", payout=payouts.summary_for(user), tax_notice=tax_notice.notice()
    )


@bp.get("/versements/mandat")
def billing_mandate_page() -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    return render_template("payments/mandate.html", mandate=mandate.state_for(user))


@bp.post("/versements/mandat")
def billing_mandate_accept() -> ResponseReturnValue:
    mandate.accept(signed_in(Role.SECRETARY))
    flash(
        _(
            "Mandat de facturation accepté : vos factures seront émises en votre nom, et les "
            "versements en attente partiront au prochain passage."
        ),
        "success",
    )
    return redirect(url_for("web.payouts_page"))


def _to_onboarding() -> ResponseReturnValue:
    """To the provider's onboarding page, with a fresh single-use link (back to the payouts
    page, told why, while her address is not verified)."""
    user = signed_in(Role.SECRETARY)
    try:
        url = payouts.start_onboarding(
            user,
            refresh_url=external_url("web.payouts_refresh"),
            return_url=external_url("web.payouts_return"),
        )
    except EmailNotVerified as exc:
        flash(exc.message, "error")
        return redirect(url_for("web.payouts_page"))
    return redirect(url, code=303)


@bp.post("/versements/connecter")
def payouts_connect() -> ResponseReturnValue:
    return _to_onboarding()


@bp.get("/versements/relancer")
def payouts_refresh() -> ResponseReturnValue:
    """Stripe sends her here when the onboarding link expired: make a fresh one."""
    return _to_onboarding()


@bp.get("/versements/retour")
def payouts_return() -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    summary = payouts.refresh_status(user)
    if summary.payouts_enabled:
        flash(
            _("Votre compte de versement est actif : vous serez payée à chaque mission validée."),
            "success",
        )
    else:
        flash(
            _(
                "Stripe vérifie encore vos informations (ou il en manque) : nous vous prévenons "
                "dès que les versements sont activés."
            ),
            "info",
        )
    return redirect(url_for("web.payouts_page"))


@bp.route("/versements/demo/<token>", methods=["GET", "POST"])
def sandbox_onboarding(token: str) -> ResponseReturnValue:
    """The sandbox's stand-in for Stripe's hosted onboarding (no real money, no Stripe)."""
    provider = escrow.provider()
    if not isinstance(provider, SandboxProvider):
        abort(404)
    user = signed_in(Role.SECRETARY)
    try:
        data = provider.serializer().loads(token, max_age=ONBOARDING_LINK_MAX_AGE)
    except SignatureExpired:
        flash(_("Ce lien a expiré : recommencez depuis la page Versements."), "warning")
        return redirect(url_for("web.payouts_page"))
    except BadSignature:
        abort(404)
    if data.get("account") != f"sbx_acct_{user.id.hex}":
        abort(404)
    if request.method == "POST":
        payouts.complete_sandbox_onboarding(user.id, data["account"])
        flash(_("Compte de versement de démonstration activé."), "success")
        target = data.get("return") or url_for("web.payouts_page")
        return redirect(target)
    return render_template("payments/sandbox_onboarding.html", user=user)
