"""The dashboard: what each role has going on, and what waits for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template

from marketplace.accounts.models import Role, User
from marketplace.bids import services as bids
from marketplace.contracts import services as contracts
from marketplace.contracts import statements, view
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.contracts.view import Waiting
from marketplace.db import utcnow
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

PARIS = ZoneInfo("Europe/Paris")

LIMIT = 50
# The dashboards show what waits for the user first, then the latest contracts; the rest
# is on the paginated list (`contract_pages.contract_list`). "À faire" is decided among the
# newest UNDER_WAY_LIMIT contracts under way.
UNDER_WAY_LIMIT = 50
RECENT_CONTRACTS = 10
# A business's latest missions; the others are on "Mes missions" (`mission_pages.my_missions`).
RECENT_MISSIONS = 10


@dataclass(frozen=True)
class ContractsBox:
    todo: list[tuple[Contract, Waiting]]  # the user's next step, from the contracts under way
    recent: list[tuple[Contract, Waiting]]  # the latest ones
    more: bool  # older contracts exist: "Voir tous mes contrats"


@bp.get("/tableau-de-bord")
def dashboard() -> str:
    user = signed_in()
    if user.role is Role.BUSINESS:
        return _business(user)
    if user.role is Role.SECRETARY:
        return _secretary(user)
    return _operator(user)


def _contracts_box(user: User, todo: bool = True) -> ContractsBox:
    """Two small selects, then one batch of views for both (`view.build`)."""
    under_way: list[Contract] = (
        first_rows(contracts.contracts_under_way(user), UNDER_WAY_LIMIT) if todo else []
    )
    latest: list[Contract] = first_rows(contracts.contracts_for(user), RECENT_CONTRACTS + 1)
    both = {c.id: c for c in [*under_way, *latest]}
    seen = {v.contract.id: v for v in view.build(both.values(), user)}
    return ContractsBox(
        todo=[(c, seen[c.id].waiting) for c in under_way if seen[c.id].waiting.yours],
        recent=[(c, seen[c.id].waiting) for c in latest[:RECENT_CONTRACTS]],
        more=len(latest) > RECENT_CONTRACTS,
    )


def _invoice_rows(user: User, shown: list[tuple[Contract, Waiting]]) -> list[tuple[Contract, Any]]:
    by_id = {contract.id: contract for contract, _waiting in shown}
    found = invoices.invoices_for_contracts(user, list(by_id))
    return [(by_id[invoice.contract_id], invoice) for invoice in found]


def _business(user: User) -> str:
    own: list[Mission] = first_rows(missions.missions_of(user), RECENT_MISSIONS + 1)
    more_missions = len(own) > RECENT_MISSIONS
    own = own[:RECENT_MISSIONS]
    box = _contracts_box(user)
    return render_template(
        "dashboard/business.html",
        user=user,
        profile=profiles.own_profile(user),
        missions=own,
        more_missions=more_missions,
        bid_counts=bids.bid_counts([m.id for m in own]),
        box=box,
        contracts=box.recent,
        payments=statements.business_payments(user),
        invoice_rows=_invoice_rows(user, box.recent),
        export_year=utcnow().astimezone(PARIS).year,
    )


def _secretary(user: User) -> str:
    invitations = first_rows(missions.invitations_for(user), LIMIT)
    box = _contracts_box(user)
    return render_template(
        "dashboard/secretary.html",
        user=user,
        profile=profiles.own_profile(user),
        invitations=invitations,
        answerable=bids.answerable_invitations(user, invitations),
        bids=first_rows(bids.bids_of(user), LIMIT),
        box=box,
        contracts=box.recent,
        earnings=statements.secretary_earnings(user),
        payout=payouts.summary_for(user),
        missions_for_you=search_pages.missions_for_you(user),
    )


def _operator(user: User) -> str:
    disputed, _items = paginate(contracts.contracts_for(user, ContractStatus.DISPUTED), 1, 1)
    box = _contracts_box(user, todo=False)  # the disputes wait on their own page
    return render_template(
        "dashboard/operator.html",
        user=user,
        disputed_count=disputed,
        box=box,
        contracts=box.recent,
        failed_jobs=failed_jobs(limit=20),
        pending_jobs=pending_count(),
    )
