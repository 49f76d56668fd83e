"""One secretary card: the public profile's schema and the search hot path's dict agree.

`profiles.schemas.SecretaryCard` dumps the public profile; search results carry the dict
`search.documents.secretary_card` writes without marshmallow (why: SecretaryCard's
docstring). These tests keep the two identical, field for field, on both backends.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.search.helpers import history, secretary


def _card_in_search(api: Any, secretary_id: str) -> dict[str, Any]:
    status, body = api.get("/api/v1/search/secretaries?per_page=100")
    assert status == 200, body
    found = [hit["secretary"] for hit in body["results"] if hit["secretary"]["id"] == secretary_id]
    assert len(found) == 1, body
    return dict(found[0])


def _public_profile(api: Any, secretary_id: str) -> dict[str, Any]:
    status, body = api.get(f"/api/v1/secretaries/{secretary_id}")
    assert status == 200, body
    return dict(body)


def test_search_results_show_the_public_profile_card_field_for_field(
    search_app: Flask, api: Any
) -> None:
    rated = secretary(api, "Camille Rated", siret="73282932000074")
    history(search_app, rated["id"], [5, 4, 4], completed=5)
    plain = secretary(api, "Dominique Plain", siret=None, availability={"weekdays": ["fri"]})
    for user in (rated, plain):
        public = _public_profile(api, user["id"])
        card = _card_in_search(api, user["id"])
        # The profile page adds how she answers urgent requests; the rest is the card.
        extra = {"urgent_requests_answered", "urgent_requests_accepted", "urgent_answer_minutes"}
        assert set(public) - set(card) == extra
        assert card == {k: v for k, v in public.items() if k not in extra}
    assert public["has_siret"] is False and public["availability"]["available_from"] is None
    assert public["rating_avg"] is None and public["completed_contracts"] == 0
    rated_card = _public_profile(api, rated["id"])
    assert rated_card["rating_avg"] == 4.33 and rated_card["completed_contracts"] == 5
