"""What a user sees about a contract: next actions, next step, money, payout pending.

The one place these are computed. The API (`ContractOut`) and the pages render a
`ContractView`; templates decide nothing from raw status values. Money figures come
from the append-only ledger, so a page can never say the money was paid while it is
held, nor show the agreed commission after a dispute split took another one:
- before the money is settled, `commission_cents`/`payout_cents` are the agreed ones;
- once released or resolved, they are what the ledger shows was actually taken and paid.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from marketplace.accounts.models import Role, User
from marketplace.contracts import milestones, periods
from marketplace.contracts.models import CONTRACT, Contract, ContractPeriod, PeriodStatus
from marketplace.contracts.models import ContractStatus as S
from marketplace.contracts.models import MilestoneStatus as M
from marketplace.contracts.services import ACTION_ROLES
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.money import euros
from marketplace.payments import payouts
from marketplace.payments.models import Account, LedgerEntry
from marketplace.reviews.models import Review

SETTLED = (S.RELEASED, S.RESOLVED)
DISPLAY_TIMEZONE = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Money:
    """The contract's money as the ledger has it (integer cents)."""

    amount_cents: int  # the agreed price
    funded_cents: int  # paid into escrow by the business
    held_cents: int  # in escrow now
    paid_out_cents: int  # sent to the secretary
    refunded_cents: int  # given back to the business
    commission_cents: int  # taken by the platform (agreed, until settled)
    payout_cents: int  # for the secretary (agreed, until settled)
    settled: bool


@dataclass(frozen=True)
class Waiting:
    """What the contract waits for, from one user's point of view."""

    text: str
    yours: bool
    action: str | None = None


@dataclass(frozen=True)
class ContractView:
    contract: Contract
    role: str | None  # "business", "secretary", or None (an operator)
    status_label: str
    next_actions: list[str]
    waiting: Waiting
    money: Money
    # Approved, but held until the secretary can be paid (payout account enabled, address
    # verified): why, else None.
    payout_pending: str | None
    auto_release_at: datetime | None
    # What holds it, as a code (`payouts.waiting_reason`), for the page to say what to do.
    payout_pending_reason: str | None = None
    # The "Et maintenant ?" sentence, written when first read: only the contract page shows
    # it, and the lists build a view for each of their rows (a dashboard, about fifty).
    _step: Callable[[], str] = field(default=lambda: "", repr=False, compare=False)

    @functools.cached_property
    def next_step(self) -> str:
        return self._step()


_YOUR_TURN = {
    "fund": lambda: _("À vous : payer en séquestre"),
    "deliver": lambda: _("À vous : livrer le travail"),
    "approve": lambda: _("À vous : valider la livraison"),
    "resolve": lambda: _("À vous : arbitrer le litige"),
    "review": lambda: _("À vous : laisser un avis"),
    "fund_period": lambda: _("À vous : payer la période en séquestre"),
    "log_time": lambda: _("À vous : saisir vos heures"),
    "submit_period": lambda: _("À vous : envoyer le relevé d'heures"),
    "approve_period": lambda: _("À vous : valider le relevé d'heures"),
    "fund_milestone": lambda: _("À vous : payer le jalon en séquestre"),
    "deliver_milestone": lambda: _("À vous : livrer le jalon"),
    "approve_milestone": lambda: _("À vous : valider le jalon livré"),
}

_WAITING = {
    S.AWAITING_FUNDING: lambda: _("En attente du paiement du client"),
    S.FUNDED: lambda: _("En attente de la livraison"),
    S.DELIVERED: lambda: _("En attente de la validation du client"),
    S.DISPUTED: lambda: _("En attente de l'arbitrage"),
    S.RELEASED: lambda: _("Terminé"),
    S.RESOLVED: lambda: _("Terminé"),
    S.CANCELLED: lambda: _("Annulé"),
    S.ACTIVE: lambda: _("En cours"),
    S.PAUSED: lambda: _("Suspendu : une période attend son paiement"),
    S.ENDED: lambda: _("Terminé"),
}


def _period_statuses(items: list[Contract]) -> dict[uuid.UUID, set[PeriodStatus]]:
    """The statuses of the periods of each regular contract, in one query."""
    ids = [c.id for c in items if c.is_regular]
    found: dict[uuid.UUID, set[PeriodStatus]] = defaultdict(set)
    if ids:
        rows = db.session.execute(
            sa.select(ContractPeriod.contract_id, ContractPeriod.status)
            .where(ContractPeriod.contract_id.in_(ids))
            .distinct()
        )
        for contract_id, status in rows:
            found[contract_id].add(PeriodStatus(status))
    return found


def _regular_actions(
    contract: Contract, user: User, statuses: set[PeriodStatus], reviewed: bool, now: datetime
) -> list[str]:
    """What each party can do on hourly or recurring work, from its periods."""
    role = contract.party_role(user.id)
    actions: list[str] = []
    live = contract.status in (S.AWAITING_FUNDING, S.ACTIVE, S.PAUSED)
    if role == "business" and live and PeriodStatus.AWAITING_FUNDING in statuses:
        actions.append("fund_period")
    if role == "business" and PeriodStatus.SUBMITTED in statuses:
        actions.append("approve_period")
    if role == "secretary" and PeriodStatus.FUNDED in statuses:
        actions += ["log_time", "submit_period"]
    if role is not None and live and contract.end_requested_at is None:
        actions.append("end")
    if user.role is Role.OPERATOR and PeriodStatus.DISPUTED in statuses:
        actions.append("resolve")
    interim = periods.interim_round(contract)
    if role is not None and interim is not None and not reviewed:
        actions.append("review")  # reviewed: of this quarter (see build)
    elif (
        CONTRACT.allows("review", contract.status)
        and role is not None
        and not reviewed
        and (contract.review_deadline is None or contract.review_deadline > now)
    ):
        actions.append("review")
    return actions


def _milestone_actions(
    contract: Contract, user: User, statuses: set[M], reviewed: bool, now: datetime
) -> list[str]:
    """What each party can do on a contract paid milestone by milestone."""
    role = contract.party_role(user.id)
    live = contract.status in (S.AWAITING_FUNDING, S.FUNDED)
    actions: list[str] = []
    if role == "business" and live and M.AWAITING_FUNDING in statuses:
        actions.append("fund_milestone")
    if role == "secretary" and live and M.FUNDED in statuses:
        actions.append("deliver_milestone")
    if role == "business" and live and M.DELIVERED in statuses:
        actions.append("approve_milestone")
    if (
        role is not None
        and CONTRACT.allows("cancel", contract.status)
        and M.DELIVERED not in (statuses)
    ):
        actions.append("cancel")
    if role is not None and CONTRACT.allows("dispute", contract.status):
        actions.append("dispute")
    if user.role is Role.OPERATOR and CONTRACT.allows("resolve", contract.status):
        actions.append("resolve")
    if (
        CONTRACT.allows("review", contract.status)
        and role is not None
        and not reviewed
        and (contract.review_deadline is None or contract.review_deadline > now)
    ):
        actions.append("review")
    return actions


def _money(contract: Contract, legs: dict[Account, tuple[int, int]]) -> Money:
    """`legs`: per account, (sum of negative legs, sum of positive legs)."""

    def pos(account: Account) -> int:
        return legs.get(account, (0, 0))[1]

    def neg(account: Account) -> int:
        return -legs.get(account, (0, 0))[0]

    settled = contract.status in SETTLED or (
        (contract.is_regular or contract.by_milestones)
        and contract.status in (S.ENDED, S.CANCELLED)
    )
    return Money(
        amount_cents=contract.amount_cents,
        funded_cents=neg(Account.BUSINESS),
        held_cents=pos(Account.ESCROW) - neg(Account.ESCROW),
        paid_out_cents=pos(Account.SECRETARY),
        refunded_cents=pos(Account.BUSINESS),
        # Regular work: what the ledger shows so far (the contract's figures are one period's).
        commission_cents=(
            pos(Account.PLATFORM) if settled or contract.is_regular else contract.commission_cents
        ),
        payout_cents=(
            pos(Account.SECRETARY) if settled or contract.is_regular else contract.payout_cents
        ),
        settled=settled,
    )


def _ledger_legs(ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[Account, tuple[int, int]]]:
    found: dict[uuid.UUID, dict[Account, tuple[int, int]]] = defaultdict(dict)
    if not ids:
        return found
    rows = db.session.execute(
        sa.select(
            LedgerEntry.contract_id,
            LedgerEntry.account,
            sa.func.coalesce(
                sa.func.sum(LedgerEntry.amount_cents).filter(LedgerEntry.amount_cents < 0), 0
            ),
            sa.func.coalesce(
                sa.func.sum(LedgerEntry.amount_cents).filter(LedgerEntry.amount_cents > 0), 0
            ),
        )
        .where(LedgerEntry.contract_id.in_(ids))
        .group_by(LedgerEntry.contract_id, LedgerEntry.account)
    )
    for contract_id, account, negative, positive in rows:
        found[contract_id][Account(account)] = (int(negative), int(positive))
    return found


def _reviewed_by(user: User, ids: list[uuid.UUID]) -> set[tuple[uuid.UUID, int]]:
    """(contract, round) of every review this user wrote on these contracts."""
    if not ids:
        return set()
    return {
        (contract_id, int(round))
        for contract_id, round in db.session.execute(
            sa.select(Review.contract_id, Review.round).where(
                Review.contract_id.in_(ids), Review.author_id == user.id
            )
        )
    }


def _next_actions(contract: Contract, user: User, reviewed: bool, now: datetime) -> list[str]:
    actions = [
        action
        for action, roles in ACTION_ROLES.items()
        if user.role in roles and CONTRACT.allows(action, contract.status)
    ]
    if contract.approved_at is not None:  # approved: only the payout is left to happen
        actions = [a for a in actions if a not in ("approve", "dispute")]
    if (
        CONTRACT.allows("review", contract.status)
        and contract.party_role(user.id) is not None
        and not reviewed
        and (contract.review_deadline is None or contract.review_deadline > now)
    ):
        actions.append("review")
    return actions


def _payout_pending(contract: Contract) -> str | None:
    """Why an approved contract's payout is held (`payouts.waiting_reason`), else None."""
    if contract.approved_at is not None and contract.status is S.DELIVERED:
        return payouts.waiting_reason(contract.secretary_id)
    return None


def _auto_release_at(contract: Contract) -> datetime | None:
    if contract.status is not S.DELIVERED or contract.delivered_at is None:
        return None
    if contract.approved_at is not None:
        return None
    days = current_app.config["MARKETPLACE_SETTINGS"].auto_release_days
    return contract.delivered_at + timedelta(days=days)


def _waiting(contract: Contract, actions: list[str], pending: str | None) -> Waiting:
    for action in (
        "fund",
        "fund_period",
        "fund_milestone",
        "deliver",
        "deliver_milestone",
        "approve",
        "approve_period",
        "approve_milestone",
        "submit_period",
        "resolve",
        "review",
    ):
        if action in actions:
            return Waiting(_YOUR_TURN[action](), True, action)
    if pending:
        return Waiting(_("Validé, versement en attente du compte de versement"), False)
    return Waiting(_WAITING[contract.status](), False)


def _euros(cents: int) -> str:
    return euros(cents, str(get_locale() or "fr"))


def next_step(
    contract: Contract,
    role: str | None,
    money: Money,
    pending: str | None,
    auto_release_at: datetime | None,
    actions: list[str],
) -> str:
    """The "Et maintenant ?" sentence of the contract page, for this party."""
    secretary = contract.secretary.display_name
    status = contract.status
    if contract.is_regular:
        return _regular_step(contract, role, money, actions)
    if contract.by_milestones and status in (S.AWAITING_FUNDING, S.FUNDED):
        return _milestone_step(role, actions)
    if status is S.AWAITING_FUNDING:
        if role == "business":
            return _(
                "Payez le montant du contrat en séquestre. L'argent reste bloqué : %(name)s ne "
                "le reçoit qu'après votre validation du travail.",
                name=secretary,
            )
        return _(
            "Le client doit payer le montant en séquestre. Attendez la confirmation du paiement "
            "avant de commencer."
        )
    if status is S.FUNDED:
        if role == "secretary":
            return _(
                "Les fonds sont en séquestre : vous pouvez travailler en confiance. Marquez la "
                "mission comme livrée quand le travail est terminé."
            )
        return _(
            "Les fonds sont en séquestre et %(name)s réalise la mission. Vous serez invité à "
            "valider dès qu'elle l'aura marquée comme livrée.",
            name=secretary,
        )
    if status is S.DELIVERED and pending:
        return _(
            "Le travail est validé. Les fonds (%(amount)s) restent en séquestre : le versement "
            "à %(name)s part dès que son compte de versement est actif.",
            amount=_euros(money.held_cents),
            name=secretary,
        )
    if status is S.DELIVERED:
        if role == "business":
            text = _(
                "Vérifiez le travail livré puis validez : les fonds seront versés à %(name)s.",
                name=secretary,
            )
        else:
            text = _(
                "Le client vérifie le travail livré ; à sa validation, les fonds sont versés à "
                "la secrétaire."
            )
        if auto_release_at is not None:
            text += " " + _(
                "Sans réponse, le versement se fera automatiquement le %(date)s.",
                date=format_date(auto_release_at.astimezone(DISPLAY_TIMEZONE).date(), "long"),
            )
        return text
    if status is S.RELEASED:
        text = _(
            "Mission terminée : %(amount)s ont été versés à %(name)s.",
            amount=_euros(money.paid_out_cents),
            name=secretary,
        )
        if "review" in actions:
            text += " " + _("Il ne reste plus qu'à laisser votre avis.")
        return text
    if status is S.CANCELLED:
        if money.refunded_cents:
            return _(
                "Ce contrat est annulé. Le montant payé (%(amount)s) a été remboursé au client.",
                amount=_euros(money.refunded_cents),
            )
        return _("Ce contrat est annulé.")
    if status is S.DISPUTED:
        return _(
            "Un litige est en cours. Les fonds restent bloqués pendant que l'équipe examine la "
            "situation ; elle les répartira entre les deux parties."
        )
    text = _(
        "Le litige est résolu : %(payout)s versés à la secrétaire (après %(commission)s de "
        "commission), %(refund)s remboursés au client.",
        payout=_euros(money.paid_out_cents),
        commission=_euros(money.commission_cents),
        refund=_euros(money.refunded_cents),
    )
    if "review" in actions:
        text += " " + _("Il ne reste plus qu'à laisser votre avis.")
    return text


def _regular_step(contract: Contract, role: str | None, money: Money, actions: list[str]) -> str:
    """The "Et maintenant ?" sentence of hourly and recurring work."""
    if contract.status is S.ENDED:
        text = _(
            "Collaboration terminée : %(amount)s versés à la secrétaire en tout.",
            amount=_euros(money.paid_out_cents),
        )
        if "review" in actions:
            text += " " + _("Il ne reste plus qu'à laisser votre avis.")
        return text
    if contract.status is S.CANCELLED:
        return _("Ce contrat est annulé.")
    parts = []
    if "fund_period" in actions:
        parts.append(
            _(
                "Payez la prochaine période en séquestre : la secrétaire est payée des heures "
                "que vous validez, le reste vous est remboursé."
            )
        )
    if "approve_period" in actions:
        parts.append(_("Un relevé d'heures attend votre validation."))
    if "log_time" in actions:
        parts.append(
            _("La période est payée : saisissez vos heures puis envoyez le relevé au client.")
        )
    if contract.status is S.PAUSED:
        parts.append(
            _("Le paiement d'une période a échoué : le contrat est suspendu jusqu'à son paiement.")
        )
    if contract.ends_on is not None and contract.end_requested_at is not None:
        parts.append(
            _(
                "Fin du contrat prévue le %(date)s, après le préavis.",
                date=format_date(contract.ends_on, "long"),
            )
        )
    if not parts:
        parts.append(_("Le travail suit son cours, période après période."))
    return " ".join(parts)


def _milestone_step(role: str | None, actions: list[str]) -> str:
    """The "Et maintenant ?" sentence while milestones are under way."""
    parts = []
    if "approve_milestone" in actions:
        parts.append(_("Un jalon livré attend votre validation : à la validation, il est versé."))
    if "fund_milestone" in actions:
        parts.append(
            _(
                "Payez le prochain jalon en séquestre : l'argent reste bloqué jusqu'à votre "
                "validation de ce jalon."
            )
        )
    if "deliver_milestone" in actions:
        parts.append(_("Un jalon est payé : livrez-le quand il est terminé."))
    if not parts:
        parts.append(
            _("Le contrat avance jalon par jalon ; chacun est payé, livré et validé à part.")
            if role is not None
            else _("Le contrat avance jalon par jalon.")
        )
    return " ".join(parts)


def build(contracts: Iterable[Contract], user: User) -> list[ContractView]:
    """The views of several contracts for one user, in a fixed number of queries."""
    items = list(contracts)
    ids = [c.id for c in items]
    legs = _ledger_legs(ids)
    reviewed = _reviewed_by(user, ids) if user.role is not Role.OPERATOR else set()
    now = utcnow()
    period_statuses = _period_statuses(items)
    milestone_statuses = milestones.statuses([c.id for c in items if c.by_milestones])
    views = []
    for contract in items:
        if contract.is_regular:
            round = periods.interim_round(contract) or 0
            actions = _regular_actions(
                contract, user, period_statuses[contract.id], (contract.id, round) in reviewed, now
            )
        elif contract.by_milestones:
            actions = _milestone_actions(
                contract, user, milestone_statuses[contract.id], (contract.id, 0) in reviewed, now
            )
        else:
            actions = _next_actions(contract, user, (contract.id, 0) in reviewed, now)
        reason = _payout_pending(contract)
        pending = payouts.note_for(reason)
        money = _money(contract, legs.get(contract.id, {}))
        release_at = _auto_release_at(contract)
        role = contract.party_role(user.id)
        views.append(
            ContractView(
                contract=contract,
                role=role,
                status_label=CONTRACT.label(contract.status),
                next_actions=actions,
                waiting=_waiting(contract, actions, pending),
                _step=functools.partial(
                    next_step, contract, role, money, pending, release_at, actions
                ),
                money=money,
                payout_pending=pending,
                auto_release_at=release_at,
                payout_pending_reason=reason,
            )
        )
    return views


def view(contract: Contract, user: User) -> ContractView:
    return build([contract], user)[0]
