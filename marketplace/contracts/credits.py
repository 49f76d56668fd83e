"""Refunds after a release, and their credit notes (avoirs).

Which money movement needs which document (the rule, also in README "Invoices: Factur-X"):
- an invoice is issued only when money reaches the secretary: a release (approval,
  automatic release, a milestone's, a period's approval) or the released part of a
  dispute resolution, for exactly the amount released;
- every refund made before that (a cancellation, a period's unused rest, the refunded
  part of a dispute resolution) gives back money that was never invoiced: no credit note;
- money given back after its release is the one case that corrects an issued invoice:
  the secretary refunds the business part or all of a released contract, milestone or
  period (`credit`). That issues the credit note of her invoice (in her name under her
  billing mandate, to the business) and, for the commission the platform gives back on
  that amount, the credit note of its commission invoice (to her); both in their issuer's
  numbering, each naming the invoice it corrects; the invoices stay as issued.

Once per invoice (the ledger's `credit` movement happens once per contract or part).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.accounts.models import Role, User
from marketplace.contracts import milestones, periods, services, telling
from marketplace.contracts.models import Contract
from marketplace.errors import Conflict, FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.money import euros
from marketplace.payments import escrow, invoices, ledger
from marketplace.payments.interfaces import ContractRef, PaymentError
from marketplace.payments.models import Invoice, InvoiceKind


class AlreadyCredited(Conflict):
    code = "already_credited"


def _ref_for(contract: Contract, invoice: Invoice) -> ContractRef:
    if invoice.part_id is None:
        return services.ref(contract)
    if contract.is_regular:
        period = periods.period_of(contract, invoice.part_id)
        return periods.part_ref(contract, period, period.funded_cents)
    return milestones.part_ref(contract, milestones.milestone_of(contract, invoice.part_id))


def credit(
    contract: Contract, user: User, invoice_id: uuid.UUID, amount_cents: int, reason: str
) -> list[Invoice]:
    """The secretary gives `amount_cents` (all taxes included) of a released invoice back to
    the business; returns the credit notes issued. 409 `already_credited` the second time."""
    if user.role is not Role.SECRETARY or contract.secretary_id != user.id:
        raise Forbidden()
    # One credit at a time per contract: the row lock serialises two concurrent requests,
    # the second then finds the credit note of the first.
    db.session.execute(sa.select(Contract.id).where(Contract.id == contract.id).with_for_update())
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.contract_id != contract.id:
        raise NotFound(_("Facture introuvable."))
    if invoice.kind is not InvoiceKind.SERVICE:
        raise FieldErrors(
            {"invoice_id": _("Seule votre facture au client peut faire l'objet d'un avoir.")}
        )
    if invoices.credit_note_of(invoice) is not None or ledger.credited(
        contract.id, invoice.part_id
    ):
        raise AlreadyCredited(_("Cette facture a déjà fait l'objet d'un avoir."))
    if not 0 < amount_cents <= invoice.total_cents:
        raise FieldErrors(
            {
                "amount_cents": _(
                    "Le montant remboursé doit être compris entre 0,01 € et %(total)s.",
                    total=euros(invoice.total_cents),
                )
            }
        )
    try:
        done = escrow.credit_after_release(
            _ref_for(contract, invoice), invoice, amount_cents, reason
        )
    except (PaymentError, ledger.UnbalancedMovement):
        db.session.rollback()
        raise
    note = done.credit_notes[0]
    telling.record_event(
        contract,
        "credit_note",
        user,
        f"{note.number} / {invoice.number}: {euros(amount_cents)}",
        contract.status,
    )
    telling.tell(
        contract,
        contract.business_id,
        "refund_issued",
        str(note.id),
        amount=euros(amount_cents),
        number=note.number,
        invoice=invoice.number,
    )
    db.session.commit()
    return done.credit_notes
