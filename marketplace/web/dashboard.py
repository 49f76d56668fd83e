"""The dashboard: what each role has going on, and what waits for them."""

from __future__ import annotations

from typing import Any

from flask import render_template

from marketplace.accounts.models import Role, User
from marketplace.bids import services as bids
from marketplace.contracts import services as contracts
from marketplace.contracts import statements, view
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.contracts.view import Waiting
from marketplace.jobs import pending_count
from marketplace.jobs.runner import failed_jobs
from marketplace.missions import services as missions
from marketplace.missions.models import Mission
from marketplace.pagination import paginate
from marketplace.payments import invoices, payouts
from marketplace.profiles import services as profiles
from marketplace.web import search_pages
from marketplace.web.blueprint import bp
from marketplace.web.helpers import first_rows, signed_in

LIMIT = 50


@bp.get("/tableau-de-bord")
def dashboard() -> str:
    user = signed_in()
    if user.role is Role.BUSINESS:
        return _business(user)
    if user.role is Role.SECRETARY:
        return _secretary(user)
    return _operator(user)


def _contracts_with_next_step(user: User) -> list[tuple[Contract, Waiting]]:
    items: list[Contract] = first_rows(contracts.contracts_for(user), LIMIT)
    return [(seen.contract, seen.waiting) for seen in view.build(items, user)]


def _invoice_rows(user: User, shown: list[tuple[Contract, Waiting]]) -> list[tuple[Contract, Any]]:
    by_id = {contract.id: contract for contract, _waiting in shown}
    found = invoices.invoices_for_contracts(user, list(by_id))
    return [(by_id[invoice.contract_id], invoice) for invoice in found]


def _business(user: User) -> str:
    own: list[Mission] = first_rows(missions.missions_of(user), LIMIT)
    shown = _contracts_with_next_step(user)
    return render_template(
        "dashboard/business.html",
        user=user,
        profile=profiles.own_profile(user),
        missions=own,
        bid_counts=bids.bid_counts([m.id for m in own]),
        contracts=shown,
        payments=statements.business_payments(user),
        invoice_rows=_invoice_rows(user, shown),
    )


def _secretary(user: User) -> str:
    invitations = first_rows(missions.invitations_for(user), LIMIT)
    return render_template(
        "dashboard/secretary.html",
        user=user,
        profile=profiles.own_profile(user),
        invitations=invitations,
        answerable=bids.answerable_invitations(user, invitations),
        bids=first_rows(bids.bids_of(user), LIMIT),
        contracts=_contracts_with_next_step(user),
        earnings=statements.secretary_earnings(user),
        payout=payouts.summary_for(user),
        missions_for_you=search_pages.missions_for_you(user),
    )


def _operator(user: User) -> str:
    disputed, _items = paginate(contracts.contracts_for(user, ContractStatus.DISPUTED), 1, 1)
    return render_template(
        "dashboard/operator.html",
        user=user,
        disputed_count=disputed,
        contracts=_contracts_with_next_step(user),
        failed_jobs=failed_jobs(limit=20),
        pending_jobs=pending_count(),
    )
