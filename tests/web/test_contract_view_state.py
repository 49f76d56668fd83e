"""What a user is told about a contract's money comes from one place (contracts.view) and
agrees with the ledger. Each test here failed before the view state existed."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.payments.models import PayoutAccount
from tests import factories as f
from tests.web.steps import WebDeal


def _payouts_not_enabled(app: Flask, email: str) -> None:
    """The secretary started connecting a payout account that is not enabled yet."""
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        assert user_id is not None
        db.session.add(
            PayoutAccount(
                user_id=user_id,
                provider="sandbox",
                account_id=f"sbx_acct_{uuid.UUID(str(user_id)).hex}",
                payouts_enabled=False,
            )
        )
        db.session.commit()


def test_approving_while_the_secretary_cannot_be_paid_says_the_money_is_still_held(
    new_browser, app: Flask
) -> None:
    deal = WebDeal(new_browser)
    deal.hire()
    deal.fund()
    deal.deliver()
    _payouts_not_enabled(app, deal.secretary_email)

    page = deal.approve()

    flashes = " ".join(page.flashes())
    assert "les fonds sont versés" not in flashes
    assert "Les fonds restent en séquestre" in flashes
    assert "Mission terminée" not in page
    assert "Le travail est validé. Les fonds (1 100,00 €) restent en séquestre" in page
    assert "En séquestre actuellement : 1 100,00 €." in page
    assert "Validation enregistrée. Les fonds restent en séquestre" in page
    dashboard = deal.business.get("/tableau-de-bord")
    assert "Validé, versement en attente du compte de versement" in dashboard


def test_after_a_dispute_split_the_contract_shows_the_commission_actually_taken(
    api, app: Flask
) -> None:
    deal = f.Deal(api, amount_cents=80_000).to("disputed")
    operator = f.operator(api, app)
    status, body = deal.resolve(operator, 50_000, 30_000, "Moitié du travail livrée.")
    assert status == 200, body

    for who in ("business", "secretary"):
        status, contract = api.get(
            f"/api/v1/contracts/{deal.contract_id}", token=getattr(deal, who)["token"]
        )
        assert status == 200
        # 12 % of the 500 € released, not of the 800 € agreed (96 € / 704 € before)
        assert contract["commission_cents"] == 6_000
        assert contract["payout_cents"] == 44_000
        assert contract["money"] == {
            "amount_cents": 80_000,
            "funded_cents": 80_000,
            "held_cents": 0,
            "paid_out_cents": 44_000,
            "refunded_cents": 30_000,
            "commission_cents": 6_000,
            "payout_cents": 44_000,
            "settled": True,
        }
    ledger = deal.ledger()
    assert ledger["balances"]["platform"] == contract["commission_cents"]
    assert ledger["balances"]["secretary"] == contract["payout_cents"]


def test_before_settlement_the_contract_shows_the_agreed_split(api) -> None:
    deal = f.Deal(api, amount_cents=80_000).to("funded")
    status, contract = api.get(
        f"/api/v1/contracts/{deal.contract_id}", token=deal.business["token"]
    )
    assert status == 200
    assert (contract["commission_cents"], contract["payout_cents"]) == (9_600, 70_400)
    assert contract["money"]["held_cents"] == 80_000
    assert contract["money"]["settled"] is False
