"""Dashboards whose size does not grow with the history: what waits for the user first (however
old), the latest contracts, and the rest on the paginated contracts list; their money
totals, each one query, still agree with the ledger of every contract."""

from __future__ import annotations

import re
import uuid
from collections import Counter

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.contracts import statements
from marketplace.contracts.models import Contract
from marketplace.extensions import db
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from tests.budgets import history as histories
from tests.budgets.test_statement_budgets import sign_in

CONTRACTS = 30  # more than the dashboard's 10 latest, less than two pages of 20


def _section(html: str, title_id: str) -> str:
    start = html.index(f'id="{title_id}"')
    return html[start : html.index("</section>", start)]


def _contract_links(html: str) -> list[str]:
    return re.findall(r'href="/contrats/([0-9a-f-]{36})"', html)


def test_the_dashboard_shows_an_old_contract_waiting_for_the_business_first(
    app: Flask, client: FlaskClient
):
    history = histories.build(app, CONTRACTS)
    oldest = history.contract_ids[0]  # awaiting funding, two years ago: hers to pay
    sign_in(client, history.business["id"])
    html = client.get("/tableau-de-bord").get_data(as_text=True)

    assert oldest in _contract_links(_section(html, "todo-title"))
    table = _section(html, "contracts-title")
    assert len(set(_contract_links(table))) == 10
    assert oldest not in _contract_links(table)
    assert 'href="/contrats"' in table and "Voir tous les contrats" in table


def test_the_contracts_list_pages_every_contract_with_its_next_step(
    app: Flask, client: FlaskClient
):
    history = histories.build(app, CONTRACTS)
    sign_in(client, history.business["id"])
    first = client.get("/contrats").get_data(as_text=True)
    second = client.get("/contrats?page=2").get_data(as_text=True)

    assert "30 contrats" in first and "Page 1 sur 2" in first
    shown = set(_contract_links(first)) | set(_contract_links(second))
    assert shown == set(history.contract_ids)
    assert len(set(_contract_links(second))) == 10
    assert "À vous : payer en séquestre" in first + second


def test_dashboard_totals_agree_with_the_ledger_of_each_contract(app: Flask):
    history = histories.build(app, CONTRACTS)
    with app.app_context():
        business = db.session.get(User, uuid.UUID(history.business["id"]))
        secretary = db.session.get(User, uuid.UUID(history.secretary["id"]))
        assert business is not None and secretary is not None
        assert ledger.global_imbalance() == 0

        theirs: Counter[str] = Counter()
        for contract_id in history.contract_ids:
            summary = ledger.summary(uuid.UUID(contract_id))
            assert summary.balanced
            for entry in summary.entries:
                sign = "in" if entry.amount_cents > 0 else "out"
                theirs[f"{entry.account.value} {sign}"] += entry.amount_cents
        payments = statements.business_payments(business)
        assert payments.paid_cents == -theirs["business out"] > 0
        assert payments.refunded_cents == theirs["business in"] > 0
        assert payments.held_cents == theirs["escrow in"] + theirs["escrow out"] > 0
        assert payments.spent_cents == payments.paid_cents - payments.refunded_cents

        hers: Counter[str] = Counter()
        under_way = completed = disputed = 0
        for contract in db.session.scalars(
            sa.select(Contract).where(Contract.secretary_id == secretary.id)
        ):
            for entry in ledger.entries_for(contract.id):
                hers[entry.account.value] += entry.amount_cents
            if contract.status is histories.S.DISPUTED:
                disputed += ledger.held_cents(contract.id)
            if contract.status in (histories.S.FUNDED, histories.S.DELIVERED):
                under_way += contract.payout_cents
            if contract.status in (histories.S.RELEASED, histories.S.RESOLVED):
                completed += 1
        earnings = statements.secretary_earnings(secretary)
        assert earnings.received_cents == hers["secretary"] > 0
        assert earnings.commission_cents == hers["platform"] > 0
        assert earnings.upcoming_cents == under_way > 0
        assert earnings.completed_count == completed > 0
        assert earnings.disputed_cents == disputed > 0


def test_the_dashboard_shows_her_latest_missions_and_pages_the_rest(
    app: Flask, client: FlaskClient
):
    history = histories.build(app, CONTRACTS)
    sign_in(client, history.business["id"])
    with app.app_context():
        newest_first = [
            str(i)
            for i in db.session.scalars(
                sa.select(Mission.id)
                .where(Mission.business_id == uuid.UUID(history.business["id"]))
                .order_by(Mission.created_at.desc(), Mission.id.desc())
            )
        ]
    assert len(newest_first) > 20, "more missions than two pages of the list"
    table = _section(client.get("/tableau-de-bord").get_data(as_text=True), "missions-title")
    assert _mission_links(table) == newest_first[:10]
    assert 'href="/mes-missions"' in table and "Voir toutes mes missions" in table

    pages = [client.get(f"/mes-missions?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    assert f"{len(newest_first)} missions" in pages[0]
    shown = [link for page in pages for link in _mission_links(page)]
    assert shown == newest_first, "every mission once, latest first"


def test_my_missions_is_only_a_business_page(app: Flask, client: FlaskClient):
    history = histories.build(app, 1)
    sign_in(client, history.secretary["id"])
    assert client.get("/mes-missions").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get("/mes-missions").status_code in (302, 401)


def _mission_links(html: str) -> list[str]:
    found = re.findall(r'href="/missions/([0-9a-f-]{36})"', html)
    return list(dict.fromkeys(found))
