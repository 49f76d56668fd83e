"""The contract page and its next steps: fund, deliver, approve, cancel, dispute, review.

Everything the page shows about the next step and the money comes from
`contracts.view` (the same view the API serialises); each action that moves money
(fund, approve, cancel) goes through a confirmation page first.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from marketplace.accounts.models import Role, User
from marketplace.compliance import vigilance
from marketplace.contracts import agreement, credits, milestones, view
from marketplace.contracts import services as contracts
from marketplace.contracts.agreement_api import pdf_response as agreement_pdf_response
from marketplace.contracts.models import MILESTONE, Contract, ContractStatus
from marketplace.contracts.schemas import CancelIn, DisputeIn
from marketplace.conversations import services as conversations
from marketplace.errors import Conflict, FieldErrors
from marketplace.extensions import db
from marketplace.money import euros
from marketplace.pagination import paginate
from marketplace.payments import invoices, ledger, tax_notice
from marketplace.payments.schemas import CreditIn
from marketplace.profiles.models import BusinessProfile
from marketplace.reviews import services as reviews
from marketplace.reviews.schemas import ReviewIn
from marketplace.urls import external_url
from marketplace.web.blueprint import bp
from marketplace.web.conversation_pages import uploaded_files
from marketplace.web.forms import FormSpec, FormState
from marketplace.web.helpers import refusal_text, refused_as_flash, signed_in
from marketplace.web.regular_pages import regular_context

DISPUTE = FormSpec(DisputeIn, text=("reason",))
REVIEW = FormSpec(ReviewIn, text=("rating", "comment"))
CANCEL = FormSpec(CancelIn, text=("reason",))
CREDIT = FormSpec(CreditIn, text=("invoice_id", "reason"), money=("amount_cents",))

# Confirmation pages: URL segment -> service action.
CONFIRMED_ACTIONS = {"payer": "fund", "valider": "approve", "annuler": "cancel"}

CONTRACTS_PER_PAGE = 20


def _back(contract_id: uuid.UUID) -> ResponseReturnValue:
    return redirect(url_for("web.contract_detail", contract_id=contract_id))


def _contract_page(
    contract: Contract,
    user: User,
    *,
    dispute_form: FormState | None = None,
    review_form: FormState | None = None,
    credit_form: FormState | None = None,
    deliver_note: str = "",
    status: int = 200,
) -> ResponseReturnValue:
    seen = view.view(contract, user)
    names = {
        contract.business_id: contract.business.display_name,
        contract.secretary_id: contract.secretary.display_name,
    }
    awaiting = contract.status is ContractStatus.AWAITING_FUNDING
    steps = (
        milestones.with_money(milestones.milestones_of(contract)) if contract.by_milestones else []
    )
    written = agreement.current(contract)
    listed = invoices.invoices_for_contract(user, contract.id)
    money = ledger.summary(contract.id)
    paid_to_her = user.id == contract.secretary_id and money.balances["secretary"] > 0
    context: dict[str, Any] = {
        # The written agreement, who accepted it and whether she still has to.
        "agreement": agreement.state(written) if written is not None else None,
        "milestones": steps,
        "milestone_actions": {s.id: milestones.actions(contract, s, user) for s in steps},
        "milestone_labels": MILESTONE.labels,
        "contract": contract,
        "view": seen,
        "user": user,
        "role": seen.role,
        "actions": seen.next_actions,
        "company": db.session.get(BusinessProfile, contract.business_id),
        "actor_names": names,
        "ledger": money,
        # Paid through the platform: her tax and social obligations (CGI art. 242 bis).
        "tax_notice": tax_notice.notice() if paid_to_her else None,
        "reviews": reviews.reviews_on_contract(contract, user),
        "invoices": listed,
        # Her service invoices she may still refund from (a credit note each, once).
        "creditable": {
            i.id
            for i in listed
            if i.kind.value == "service"
            and user.id == contract.secretary_id
            and i.id not in {n.corrects_id for n in listed}
        },
        "credit_form": credit_form or FormState(),
        "vigilance": vigilance.status_of(contract),
        "dispute_form": dispute_form or FormState(),
        "review_form": review_form or FormState(),
        # The business is back from the provider's payment page while it still has to pay.
        "payment_return": request.args.get("paiement") if awaiting else None,
        "payment_error": contract.payment_error if awaiting else None,
        "deliver_note": deliver_note,
        **_exchanges(contract, user),
        **(regular_context(contract, user) if contract.is_regular else {}),
    }
    return render_template("contracts/detail.html", **context), status


def _exchanges(contract: Contract, user: User) -> dict[str, Any]:
    """The delivered files (signed links for this reader, their register for the
    secretary who sent them) and the conversation of the two parties."""
    conversation = conversations.existing_for_contract(contract)
    if conversation is not None and not (
        conversation.party_role(user.id) or conversations.is_disputed(contract)
    ):
        conversation = None
    delivered = conversations.deliverables(contract) if conversation is not None else []
    return {
        "conversation": conversation,
        "deliverables": delivered,
        "links": {a.id: conversations.download_token(a, user) for a in delivered},
        "register": conversations.accesses_by_others(
            [a for a in delivered if a.uploader_id == user.id]
        ),
    }


@bp.get("/contrats")
def contract_list() -> ResponseReturnValue:
    """All the user's contracts (an operator: every one), latest first, a page at a time."""
    user = signed_in()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total, items = paginate(contracts.contracts_for(user), page, CONTRACTS_PER_PAGE)
    return render_template(
        "contracts/list.html",
        user=user,
        contracts=[(seen.contract, seen.waiting) for seen in view.build(items, user)],
        total=total,
        page=page,
        pages=max((total + CONTRACTS_PER_PAGE - 1) // CONTRACTS_PER_PAGE, 1),
    )


@bp.get("/contrats/<uuid:contract_id>")
def contract_detail(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    return _contract_page(contracts.visible_contract(user, contract_id), user)


@bp.get("/contrats/<uuid:contract_id>/<any(payer, valider, annuler):step>")
def contract_confirm(contract_id: uuid.UUID, step: str) -> ResponseReturnValue:
    user = signed_in()
    contract = contracts.visible_contract(user, contract_id)
    action = CONFIRMED_ACTIONS[step]
    if action not in view.view(contract, user).next_actions:
        flash(_("Cette action n'est pas possible pour ce contrat en ce moment."), "error")
        return _back(contract.id)
    return render_template(
        "contracts/confirm.html",
        contract=contract,
        action=action,
        step=step,
        form=FormState(),
        held_cents=_held(contract),
    )


def _held(contract: Contract) -> int:
    """What escrow holds for the contract (with its milestones')."""
    if contract.by_milestones:
        return sum(ledger.part_held(contract.id).values())
    return ledger.held_cents(contract.id)


@bp.post(
    "/contrats/<uuid:contract_id>/jalons/<uuid:milestone_id>/<any(payer, livrer, valider):step>"
)
def milestone_step(
    contract_id: uuid.UUID, milestone_id: uuid.UUID, step: str
) -> ResponseReturnValue:
    """Fund, deliver or approve one milestone (the buttons of the milestones list)."""
    user = signed_in()
    contract = contracts.visible_contract(user, contract_id)
    milestone = milestones.milestone_of(milestones.by_milestones(contract), milestone_id)
    with refused_as_flash():
        if step == "payer":
            answer = milestones.fund(
                contract,
                milestone,
                user,
                success_url=external_url(
                    "web.contract_detail", contract_id=contract.id, paiement="reussi"
                ),
                cancel_url=external_url(
                    "web.contract_detail", contract_id=contract.id, paiement="annule"
                ),
            )
            if answer.payment.checkout_url:
                return redirect(answer.payment.checkout_url, code=303)
            flash(_("Jalon payé : les fonds sont en séquestre."), "success")
        elif step == "livrer":
            milestones.deliver(contract, milestone, user)
            flash(_("Jalon marqué comme livré. Le client a été invité à le valider."), "success")
        else:
            milestones.approve(contract, milestone, user)
            flash(
                _(
                    "Jalon validé : les fonds sont versés à %(name)s.",
                    name=contract.secretary.display_name,
                ),
                "success",
            )
    return redirect(url_for("web.contract_detail", contract_id=contract.id) + "#jalons")


@bp.post("/contrats/<uuid:contract_id>/payer")
def contract_fund(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract = contracts.visible_contract(user, contract_id)
    with refused_as_flash():
        answer = contracts.fund(
            contract,
            user,
            success_url=external_url(
                "web.contract_detail", contract_id=contract.id, paiement="reussi"
            ),
            cancel_url=external_url(
                "web.contract_detail", contract_id=contract.id, paiement="annule"
            ),
        )
        if answer.payment.checkout_url:
            # The provider's hosted payment page; the contract is funded when it confirms.
            return redirect(answer.payment.checkout_url, code=303)
        if contract.status is ContractStatus.FUNDED:
            flash(
                _(
                    "Paiement reçu : les fonds sont en séquestre. %(name)s peut commencer.",
                    name=contract.secretary.display_name,
                ),
                "success",
            )
        else:
            flash(_("Paiement en cours de confirmation."), "info")
    return _back(contract.id)


@bp.get("/contrats/<uuid:contract_id>/contrat-de-prestation.pdf")
def contract_agreement_pdf(contract_id: uuid.UUID) -> Response:
    """The agreement with the page of the acceptances recorded so far."""
    contract = contracts.visible_contract(signed_in(), contract_id)
    return agreement_pdf_response(agreement.agreement_of(contract))


@bp.post("/contrats/<uuid:contract_id>/contrat-de-prestation/accepter")
def contract_agreement_accept(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract = contracts.visible_contract(user, contract_id)
    with refused_as_flash():
        agreement.accept(contract, user, request.form.get("sha256") or None)
        flash(_("Contrat de prestation accepté : vous pouvez commencer le travail."), "success")
    return _back(contract.id)


@bp.post("/contrats/<uuid:contract_id>/livrer")
def contract_deliver(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract = contracts.visible_contract(user, contract_id)
    note = request.form.get("note", "")
    try:
        conversations.deliver(contract, user, note, uploaded_files(user))
    except FieldErrors as refused:  # a refused file: the note is kept, the reason shown
        db.session.rollback()
        flash(refusal_text(refused), "error")
        return _contract_page(contract, user, deliver_note=note, status=422)
    except Conflict as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return _back(contract.id)
    flash(_("Travail marqué comme livré. Le client a été invité à valider."), "success")
    return _back(contract.id)


@bp.post("/contrats/<uuid:contract_id>/valider")
def contract_approve(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract = contracts.visible_contract(user, contract_id)
    with refused_as_flash():
        contracts.approve(contract, user)
        held = view.view(contract, user).payout_pending_reason
        if held == "billing_mandate_not_accepted":
            flash(
                _(
                    "Livraison validée. Les fonds restent en séquestre jusqu'à ce que %(name)s "
                    "accepte le mandat de facturation ; ils lui seront alors versés "
                    "automatiquement.",
                    name=contract.secretary.display_name,
                ),
                "success",
            )
        elif held:
            flash(
                _(
                    "Livraison validée. Les fonds restent en séquestre jusqu'à ce que %(name)s "
                    "active son compte de versement ; ils lui seront alors versés "
                    "automatiquement.",
                    name=contract.secretary.display_name,
                ),
                "success",
            )
        else:
            flash(
                _(
                    "Livraison validée : les fonds sont versés à %(name)s.",
                    name=contract.secretary.display_name,
                ),
                "success",
            )
    return _back(contract.id)


@bp.post("/contrats/<uuid:contract_id>/annuler")
def contract_cancel(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract = contracts.visible_contract(user, contract_id)
    try:
        data = CANCEL.parse(request.form)
    except FieldErrors as exc:
        return render_template(
            "contracts/confirm.html",
            contract=contract,
            action="cancel",
            step="annuler",
            form=CANCEL.state(request.form, exc),
            held_cents=_held(contract),
        ), 422
    with refused_as_flash():
        contracts.cancel(contract, user, data["reason"])
        if view.view(contract, user).money.refunded_cents:
            flash(_("Contrat annulé. Le montant payé est remboursé au client."), "success")
        else:
            flash(_("Contrat annulé."), "success")
    return _back(contract.id)


@bp.post("/contrats/<uuid:contract_id>/litige")
def contract_dispute(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract = contracts.visible_contract(user, contract_id)
    try:
        with refused_as_flash():
            contracts.dispute(contract, user, DISPUTE.parse(request.form)["reason"])
            flash(
                _("Litige ouvert. Les fonds restent bloqués jusqu'à la décision de l'équipe."),
                "success",
            )
    except FieldErrors as exc:
        return _contract_page(
            contract, user, dispute_form=DISPUTE.state(request.form, exc), status=422
        )
    return _back(contract.id)


@bp.post("/contrats/<uuid:contract_id>/avoir")
def contract_credit(contract_id: uuid.UUID) -> ResponseReturnValue:
    """She refunds the business from one of her released invoices: a credit note each."""
    user = signed_in(Role.SECRETARY)
    contract = contracts.visible_contract(user, contract_id)
    try:
        with refused_as_flash():
            data = CREDIT.parse(request.form)
            notes = credits.credit(
                contract, user, data["invoice_id"], data["amount_cents"], data["reason"]
            )
            flash(
                _(
                    "Avoir n° %(number)s émis : le client est remboursé de %(amount)s.",
                    number=notes[0].number,
                    amount=euros(notes[0].total_cents),
                ),
                "success",
            )
    except FieldErrors as exc:
        return _contract_page(
            contract, user, credit_form=CREDIT.state(request.form, exc), status=422
        )
    return _back(contract.id)


@bp.post("/contrats/<uuid:contract_id>/avis")
def contract_review(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    contract = contracts.visible_contract(user, contract_id)
    try:
        with refused_as_flash():
            data = REVIEW.parse(request.form)
            review = contracts.review(contract, user, data["rating"], data["comment"])
            if review.published_at is not None:
                flash(
                    _("Merci pour votre avis ! Les deux avis sont maintenant publiés."), "success"
                )
            else:
                flash(
                    _(
                        "Merci pour votre avis ! Il sera publié dès que l'autre partie aura "
                        "noté, ou à la fin de la période d'avis."
                    ),
                    "success",
                )
    except FieldErrors as exc:
        return _contract_page(
            contract, user, review_form=REVIEW.state(request.form, exc), status=422
        )
    return _back(contract.id)
