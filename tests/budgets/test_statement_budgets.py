"""Statement budgets: each main page and API list sends the same number of SQL statements
whatever the size of the history behind it, and at most BUDGET.

A business with 50 contracts spread over every status (its ledger, invoices, reviews and
conversations written as the services do) is measured page by page; then its history grows
to 500 contracts and every page is measured again. A page whose count grows with the data
(a lazy load per row, a query per contract) or passes the budget fails, with its statements.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.conversations.models import Conversation
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.reviews.models import Review
from tests.budgets import history as histories
from tests.budgets.statements import Statements, count_statements
from tests.factories import MissionFactory, Rows

BUDGET = 20
SMALL = 50  # 5 in each of the 10 statuses
LARGE = 500  # 50 of each


def sign_in(client: FlaskClient, user_id: str) -> None:
    """A signed-in browser without the sign-in form: a web session row and its cookie."""
    from marketplace.accounts.models import WebSession

    with client.application.app_context():
        record = WebSession(user_id=uuid.UUID(user_id))
        db.session.add(record)
        db.session.commit()
        session_id = str(record.id)
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


def _conversation_id(app: Flask, history: histories.History) -> str:
    with app.app_context():
        return str(
            db.session.scalar(
                sa.select(Conversation.id)
                .where(Conversation.business_id == uuid.UUID(history.business["id"]))
                .order_by(Conversation.created_at)
                .limit(1)
            )
        )


def _pages(app: Flask, history: histories.History) -> dict[str, Callable[[], Any]]:
    """Each measured request, ready to send (signed-in clients made before counting)."""
    business, secretary = app.test_client(), app.test_client()
    sign_in(business, history.business["id"])
    sign_in(secretary, history.secretary["id"])
    released = history.contract_ids[list(histories.STATUSES).index(histories.S.RELEASED)]
    conversation = _conversation_id(app, history)

    def api(token: str) -> Callable[[], Any]:
        return lambda: app.test_client().get(
            "/api/v1/contracts", headers={"Authorization": f"Bearer {token}"}
        )

    return {
        "business dashboard": lambda: business.get("/tableau-de-bord"),
        "secretary dashboard": lambda: secretary.get("/tableau-de-bord"),
        "GET /api/v1/contracts (business)": api(history.business["token"]),
        "GET /api/v1/contracts (secretary)": api(history.secretary["token"]),
        "contracts list, page 2 (business)": lambda: business.get("/contrats?page=2"),
        "contracts list (secretary)": lambda: secretary.get("/contrats"),
        "my missions, page 2 (business)": lambda: business.get("/mes-missions?page=2"),
        "contract page": lambda: business.get(f"/contrats/{released}"),
        "mission page (owner)": lambda: business.get(f"/missions/{history.open_mission_id}"),
        "public secretary profile": lambda: business.get(f"/secretaires/{history.secretary['id']}"),
        "notifications (business)": lambda: business.get("/notifications"),
        "notifications (secretary)": lambda: secretary.get("/notifications"),
        "messages inbox": lambda: business.get("/messages"),
        "conversation page": lambda: business.get(f"/messages/{conversation}"),
    }


def measure(app: Flask, history: histories.History) -> dict[str, Statements]:
    counted = {}
    for name, send in _pages(app, history).items():
        send()  # once before: what a first visit does once (a session, a read mark) is not counted
        with count_statements(app) as statements:
            response = send()
        assert response.status_code == 200, (name, response.status_code)
        counted[name] = statements
    return counted


def test_every_page_stays_within_its_statement_budget_as_the_history_grows(app: Flask):
    history = histories.build(app, SMALL)
    small = measure(app, history)
    histories.grow(app, history, LARGE - SMALL)
    large = measure(app, history)

    table = "\n".join(f"{name:36} {small[name].count:4d} {large[name].count:4d}" for name in small)
    print(f"\n{'page':36} {SMALL:4d} {LARGE:4d}\n{table}")  # shown with -s
    problems = [
        f"{name}: {small[name].count} statements at {SMALL} contracts, "
        f"{large[name].count} at {LARGE}\n{large[name]}"
        for name in small
        if large[name].count != small[name].count or large[name].count > BUDGET
    ]
    assert not problems, f"{'page':36} {SMALL:4d} {LARGE:4d}\n{table}\n\n" + "\n\n".join(problems)
    # Lists of invoices leave the PDF bytes in the database (the download loads them).
    for name, statements in large.items():
        assert not any("invoices.pdf" in sql for sql in statements.sql), name


def _people(app: Flask, secretary_id: str, count: int) -> None:
    """`count` more businesses, each with an open mission and a released contract with the
    secretary that it reviewed: lists that name other people (a review's author, a
    mission's business) then show that many different names."""
    rows = Rows(app)
    for _ in range(count):
        business_id = rows.business()["id"]
        with app.app_context():
            business = db.session.get(User, uuid.UUID(business_id))
            secretary = db.session.get(User, uuid.UUID(secretary_id))
            assert business is not None and secretary is not None
            MissionFactory(business=business, title="Saisie de factures")
            contract = histories._contract(business, secretary, histories.S.RELEASED, utcnow())
            if not db.session.scalar(sa.select(Review.id).where(Review.contract_id == contract.id)):
                db.session.add(
                    Review(
                        contract_id=contract.id,
                        author_id=business.id,
                        subject_id=secretary.id,
                        rating=4,
                        comment="Bien.",
                        published_at=utcnow(),
                    )
                )
            db.session.commit()


def test_lists_of_other_people_stay_within_budget_as_they_grow(app: Flask):
    """The public profile (its reviews' authors) and the open missions (their businesses):
    the same statements with 3 and with 15 different people behind the rows."""
    secretary = Rows(app).secretary()
    pages = {
        "public secretary profile": f"/secretaires/{secretary['id']}",
        "GET /api/v1/secretaries/{id}/reviews": f"/api/v1/secretaries/{secretary['id']}/reviews",
        "GET /api/v1/missions": "/api/v1/missions",
        "missions page": "/missions",
    }

    def measure_all() -> dict[str, Statements]:
        counted = {}
        for name, path in pages.items():
            client = app.test_client()
            client.get(path)
            with count_statements(app) as statements:
                response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
            counted[name] = statements
        return counted

    _people(app, secretary["id"], 3)
    few = measure_all()
    _people(app, secretary["id"], 12)
    many = measure_all()
    problems = [
        f"{name}: {few[name].count} statements with 3 people, {many[name].count} with 15\n"
        f"{many[name]}"
        for name in pages
        if many[name].count != few[name].count or many[name].count > BUDGET
    ]
    assert not problems, "\n\n".join(problems)
