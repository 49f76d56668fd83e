"""The saved searches page, the "Enregistrer cette recherche" form of the search page, and
the business's way in: "Trouver une secrétaire" in the menu; results before the filters."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests import factories as f
from tests.search.test_pages import page, sign_in


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_a_business_finds_the_search_in_its_menu_and_results_come_before_the_filters(
    api: Any, client: FlaskClient
):
    owner = f.business(api)
    f.secretary(api)
    sign_in(client, owner["id"])
    html = page(client, "/tableau-de-bord")
    assert re.search(r'<a href="/recherche"[^>]*>Trouver une secrétaire</a>', html), html[:3000]
    html = page(client, "/recherche?specialty=medical")
    assert html.index('id="results-title"') < html.index('role="search"'), "results first"
    folded = re.search(r'<details id="filtres" class="search-filters"( open)?>', html)
    assert folded and not folded.group(1), "filters folded once a search ran"
    assert "1 actif" in html
    first = page(client, "/recherche")
    assert '<details id="filtres" class="search-filters" open>' in first, "open before any"


def test_a_business_saves_the_search_it_ran_then_deletes_it(api: Any, client: FlaskClient):
    owner = f.business(api)
    f.secretary(api)
    sign_in(client, owner["id"])
    html = page(client, "/recherche?specialty=medical&postal_code=69003&radius_km=30&max_rate=35")
    query = re.search(r'name="query" value="([^"]*)"', html)
    assert query is not None
    response = client.post(
        "/recherches-enregistrees",
        data={
            "csrf_token": csrf(html),
            "query": query.group(1).replace("&amp;", "&"),
            "alert": "y",
        },
    )
    assert response.status_code == 303
    listing = page(client, "/recherches-enregistrees")
    assert "Recherche enregistrée." in listing
    assert "Médical · 30 km autour de 69003 · au plus 35,00\u00a0€/h" in listing
    assert "Alerte active" in listing
    link = re.search(r'<a href="(/recherche\?[^"]+)">', listing)
    assert link is not None and "max_rate=35,00" in link.group(1), link
    # the link runs the same search
    assert "1 secrétaire trouvée" in page(client, link.group(1).replace("&amp;", "&"))
    _status, saved = api.get("/api/v1/saved-searches", token=owner["token"])
    (one,) = saved["results"]
    assert one["criteria"] == {
        "specialty": "medical",
        "postal_code": "69003",
        "radius_km": 30,
        "max_rate_cents": 3500,
    }
    response = client.post(
        f"/recherches-enregistrees/{one['id']}/supprimer", data={"csrf_token": csrf(listing)}
    )
    assert response.status_code == 303
    assert "Aucune recherche enregistrée" in page(client, "/recherches-enregistrees")


def test_a_bad_saved_query_is_refused_with_the_reason(api: Any, client: FlaskClient):
    owner = f.business(api)
    sign_in(client, owner["id"])
    html = page(client, "/recherches-enregistrees")
    client.post(
        "/recherches-enregistrees", data={"csrf_token": csrf(html), "query": "postal_code=00000"}
    )
    assert "Code postal inconnu" in page(client, "/recherches-enregistrees")


def test_the_page_needs_a_signed_in_business_or_secretary(api: Any, client: FlaskClient, app):
    response = client.get("/recherches-enregistrees")
    assert response.status_code in (302, 401)
    op = f.operator(api, app)
    sign_in(client, op["id"])
    assert client.get("/recherches-enregistrees").status_code == 403
