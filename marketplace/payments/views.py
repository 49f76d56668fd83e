"""Payment pages: payout account (status, connect, return), invoice downloads, and the
sandbox's local onboarding page. Thin: each route loads, checks, calls one service.

The contract page and the secretary's dashboard (marketplace/web/) include
`payments/_contract_invoices.html` and `payments/_payout_status.html`; the two
template helpers below give them their data.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired

from marketplace.accounts.auth import web_user
from marketplace.accounts.models import Role, User
from marketplace.errors import Unauthorized
from marketplace.payments import escrow, invoices, payouts
from marketplace.payments.api import pdf_response
from marketplace.payments.models import Invoice
from marketplace.payments.sandbox import SandboxProvider

bp = Blueprint("payments_web", __name__)

ONBOARDING_LINK_MAX_AGE = 60 * 60  # seconds


def _signed_in(*roles: Role) -> User:
    if not current_user.is_authenticated:
        raise Unauthorized("Connectez-vous pour accéder à cette page.")
    return web_user(*roles)


@bp.app_context_processor
def _payment_helpers() -> dict[str, Any]:
    def payout_summary() -> payouts.PayoutSummary | None:
        if current_user.is_authenticated and current_user.role is Role.SECRETARY:
            return payouts.summary_for(current_user._get_current_object())
        return None

    def contract_invoices(contract: Any) -> list[Invoice]:
        if not current_user.is_authenticated:
            return []
        return invoices.invoices_for_contract(current_user._get_current_object(), contract.id)

    def payout_waiting(contract: Any) -> bool:
        """Approved, but held until the secretary's payout account is enabled."""
        return bool(
            contract.approved_at
            and contract.status.value == "delivered"
            and not payouts.can_receive_payouts(contract.secretary_id)
        )

    return {
        "payout_summary": payout_summary,
        "contract_invoices": contract_invoices,
        "payout_waiting": payout_waiting,
    }


@bp.get("/factures/<uuid:invoice_id>.pdf")
def invoice_pdf(invoice_id: uuid.UUID) -> ResponseReturnValue:
    return pdf_response(invoices.visible_invoice(_signed_in(), invoice_id))


@bp.get("/versements")
def payouts_page() -> ResponseReturnValue:
    user = _signed_in(Role.SECRETARY)
    return render_template("payments/payouts.html", payout_status_summary=payouts.summary_for(user))


@bp.post("/versements/connecter")
def payouts_connect() -> ResponseReturnValue:
    user = _signed_in(Role.SECRETARY)
    url = payouts.start_onboarding(
        user,
        refresh_url=url_for("payments_web.payouts_refresh", _external=True),
        return_url=url_for("payments_web.payouts_return", _external=True),
    )
    return redirect(url, code=303)


@bp.get("/versements/relancer")
def payouts_refresh() -> ResponseReturnValue:
    """Stripe sends her here when the onboarding link expired: make a fresh one."""
    user = _signed_in(Role.SECRETARY)
    url = payouts.start_onboarding(
        user,
        refresh_url=url_for("payments_web.payouts_refresh", _external=True),
        return_url=url_for("payments_web.payouts_return", _external=True),
    )
    return redirect(url, code=303)


@bp.get("/versements/retour")
def payouts_return() -> ResponseReturnValue:
    user = _signed_in(Role.SECRETARY)
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
    return redirect(url_for("payments_web.payouts_page"))


@bp.route("/versements/demo/<token>", methods=["GET", "POST"])
def sandbox_onboarding(token: str) -> ResponseReturnValue:
    """The sandbox's stand-in for Stripe's hosted onboarding (no real money, no Stripe)."""
    provider = escrow.provider()
    if not isinstance(provider, SandboxProvider):
        abort(404)
    user = _signed_in(Role.SECRETARY)
    try:
        data = provider.serializer().loads(token, max_age=ONBOARDING_LINK_MAX_AGE)
    except SignatureExpired:
        flash(_("Ce lien a expiré : recommencez depuis la page Versements."), "warning")
        return redirect(url_for("payments_web.payouts_page"))
    except BadSignature:
        abort(404)
    if data.get("account") != f"sbx_acct_{user.id.hex}":
        abort(404)
    if request.method == "POST":
        payouts.complete_sandbox_onboarding(user.id, data["account"])
        flash(_("Compte de versement de démonstration activé."), "success")
        target = data.get("return") or url_for("payments_web.payouts_page")
        return redirect(target)
    return render_template("payments/sandbox_onboarding.html", user=user)
