from tests.factories import Deal


def test_smoke(api):
    deal = Deal(api, through_api=True).to("released")  # the whole flow, sign-up included
    print(deal.ledger())
    s, b = deal.act("reviews", "business", {"rating": 5, "comment": "Parfait"})
    assert s == 201, b
    s, b = deal.act("reviews", "secretary", {"rating": 4, "comment": "Client clair"})
    assert s == 201, b
    s, b = api.get(f"/api/v1/secretaries/{deal.secretary['id']}")
    print(b)
    assert b["rating_count"] == 1
