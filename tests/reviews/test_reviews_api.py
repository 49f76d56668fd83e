from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests import factories as f


def test_reviews_wait_for_the_contract_to_end(api) -> None:
    deal = f.Deal(api).to("delivered")
    status, _ = deal.act("reviews", "business", {"rating": 5, "comment": "Parfait"})
    assert status == 409


def test_reviews_publish_when_both_sides_have_rated(api) -> None:
    deal = f.Deal(api).to("released")
    status, mine = deal.act("reviews", "business", {"rating": 5, "comment": "Rapide et soignée."})
    assert status == 201 and mine["published"] is False
    _, public = api.get(f"/api/v1/secretaries/{deal.secretary['id']}/reviews")
    assert public["total"] == 0 and public["rating_count"] == 0
    _, seen_by_secretary = api.get(
        f"/api/v1/contracts/{deal.contract_id}/reviews", token=deal.secretary["token"]
    )
    assert seen_by_secretary == []  # she cannot read it before rating herself
    _, seen_by_author = api.get(
        f"/api/v1/contracts/{deal.contract_id}/reviews", token=deal.business["token"]
    )
    assert [r["rating"] for r in seen_by_author] == [5]

    status, _ = deal.act("reviews", "secretary", {"rating": 4, "comment": "Consignes claires."})
    assert status == 201
    _, public = api.get(f"/api/v1/secretaries/{deal.secretary['id']}/reviews")
    assert public["total"] == 1 and public["rating_avg"] == 5.0
    assert public["results"][0]["comment"] == "Rapide et soignée."
    _, about_business = api.get(f"/api/v1/businesses/{deal.business['id']}/reviews")
    assert about_business["results"][0]["rating"] == 4
    _, profile = api.get(f"/api/v1/secretaries/{deal.secretary['id']}")
    assert (profile["rating_avg"], profile["rating_count"], profile["completed_contracts"]) == (
        5.0,
        1,
        1,
    )


def test_one_review_per_party(api) -> None:
    deal = f.Deal(api).to("released")
    assert deal.act("reviews", "business", {"rating": 5})[0] == 201
    status, body = deal.act("reviews", "business", {"rating": 1})
    assert status == 409 and body["error"] == "already_reviewed"


def test_rating_must_be_1_to_5(api) -> None:
    deal = f.Deal(api).to("released")
    for bad in (0, 6, "cinq", None):
        status, body = deal.act("reviews", "business", {"rating": bad})
        assert status == 422 and "rating" in body["errors"]["json"]


def test_review_window_publishes_one_sided_reviews_and_then_closes(api, app) -> None:
    from marketplace.contracts.models import Contract
    from marketplace.db import utcnow
    from marketplace.extensions import db
    from marketplace.reviews.models import Review

    deal = f.Deal(api).to("released")
    deal.act("reviews", "business", {"rating": 3, "comment": "Correct."})
    with app.app_context():  # the window closes (a review carries its contract's deadline)
        past = utcnow() - timedelta(hours=1)
        db.session.execute(sa.update(Contract).values(review_deadline=past))
        db.session.execute(sa.update(Review).values(publish_after=past))
        db.session.commit()
    _, public = api.get(f"/api/v1/secretaries/{deal.secretary['id']}/reviews")
    assert public["total"] == 1 and public["rating_avg"] == 3.0
    status, _ = deal.act("reviews", "secretary", {"rating": 5})
    assert status == 409
    result = app.test_cli_runner().invoke(args=["payments", "release-due"])
    assert result.exit_code == 0 and "published 1 review" in result.output


def test_resolved_contracts_can_be_reviewed(api, app) -> None:
    deal = f.Deal(api).to("disputed")
    op = f.operator(api, app)
    assert deal.resolve(op, 0, 110_000)[0] == 200
    assert deal.act("reviews", "secretary", {"rating": 2, "comment": "Litige."})[0] == 201
    _, profile = api.get(f"/api/v1/secretaries/{deal.secretary['id']}")
    assert profile["completed_contracts"] == 1
