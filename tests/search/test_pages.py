"""The search page, the matches on a mission page, and the missions on a secretary's dashboard."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.search.helpers import business, mission, secretary


def sign_in(client: FlaskClient, user_id: str) -> None:
    """A signed-in browser without the sign-in form: a web session row and its cookie."""
    from marketplace.accounts.models import WebSession
    from marketplace.extensions import db

    with client.application.app_context():
        record = WebSession(user_id=uuid.UUID(user_id))
        db.session.add(record)
        db.session.commit()
        session_id = str(record.id)
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_the_search_page_shows_ranked_cards_with_reasons(api: Any, client: FlaskClient):
    wanted = secretary(api, headline="Secrétariat médical et agenda", postal_code="69003")
    secretary(api, headline="Assistante juridique", specialties=["legal"], postal_code="75011")
    html = page(client, "/recherche?q=secretariat+medical&postal_code=69001&radius_km=50")
    assert "1 secrétaire trouvée" in html
    assert f"/secretaires/{wanted['id']}" in html
    assert "Correspond à « secretariat, medical »" in html
    assert 'role="search"' in html and 'for="f-postal_code"' in html


def test_the_search_page_paginates_and_keeps_the_filters(api: Any, client: FlaskClient):
    for _ in range(23):
        secretary(api, skills=["mail_merge", "phone_reception"])
    html = page(client, "/recherche?skills=mail_merge&skills=phone_reception&specialty=medical")
    assert "23 secrétaires trouvées" in html
    assert "Page 1 sur 2" in html
    link = re.search(r'href="([^"]*page=2[^"]*)"', html)
    assert link is not None
    target = link.group(1).replace("&amp;", "&")
    assert "skills=mail_merge" in target and "skills=phone_reception" in target
    assert "Page 2 sur 2" in page(client, target)


def test_bad_filters_are_shown_next_to_their_field(client: FlaskClient):
    html = page(client, "/recherche?postal_code=99999&max_rate=abc", status=422)
    assert 'id="f-postal_code-error"' in html and "Code postal inconnu" in html
    assert 'id="f-max_rate-error"' in html
    assert 'aria-invalid="true"' in html


def test_the_owner_sees_matches_on_the_mission_page_and_invites(
    api: Any, client: FlaskClient, search_app: Flask
):
    from marketplace.extensions import db
    from marketplace.missions.models import Invitation

    owner = business(api)
    sec = secretary(api)
    m = mission(api, owner)
    sign_in(client, owner["id"])
    html = page(client, f"/missions/{m['id']}")
    assert "Secrétaires pour cette mission" in html
    assert "Spécialité médicale" in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token is not None
    response = client.post(
        f"/recherche/missions/{m['id']}/inviter",
        data={"csrf_token": token.group(1), "secretary_id": sec["id"]},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/missions/{m['id']}#correspondances")
    with search_app.app_context():
        invited = db.session.scalars(
            db.select(Invitation.secretary_id).where(Invitation.mission_id == uuid.UUID(m["id"]))
        ).all()
    assert [str(i) for i in invited] == [sec["id"]]
    assert "Invitée" in page(client, f"/missions/{m['id']}")


def test_only_the_owner_can_invite_from_the_matches(api: Any, client: FlaskClient):
    owner, other = business(api), business(api)
    sec = secretary(api)
    m = mission(api, owner)
    sign_in(client, other["id"])
    html = page(client, "/recherche")
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    response = client.post(
        f"/recherche/missions/{m['id']}/inviter",
        data={"csrf_token": token, "secretary_id": sec["id"]},
    )
    assert response.status_code == 404


def test_a_secretary_sees_missions_for_her_on_her_dashboard(api: Any, client: FlaskClient):
    owner = business(api)
    sec = secretary(api)
    fits = mission(api, owner, title="Frappe de comptes rendus pour un cardiologue")
    mission(api, owner, title="Gestion des stocks en usine", specialty="industry", skills=[])
    sign_in(client, sec["id"])
    html = page(client, "/tableau-de-bord")
    assert "Missions pour vous" in html
    first = html.index("Frappe de comptes rendus pour un cardiologue")
    assert fits["id"] in html
    assert first < html.index("Gestion des stocks en usine")
    assert "Spécialité médicale" in html


def test_a_secretary_s_missions_page_is_ranked_for_her_with_filters(api: Any, client: FlaskClient):
    owner = business(api)
    mine = mission(api, owner, title="Frappe de comptes rendus", remote_ok=True)
    mission(
        api,
        owner,
        title="Actes notariés",
        specialty="legal",
        skills=["legal_drafting"],
        budget_cents=60_000,
    )
    sec = secretary(api, postal_code="69003")
    sign_in(client, sec["id"])
    html = page(client, "/missions")
    assert "Missions pour vous" in html and "2 missions ouvertes" in html
    assert html.index("Frappe de comptes rendus") < html.index("Actes notariés"), "hers first"
    assert '<ul class="caveats"' in html and "Hors de vos spécialités" in html
    assert html.index('id="results-title"') < html.index('role="search"'), "results first"
    filtered = page(client, "/missions?specialty=medical&remote=true&min_budget=1000")
    assert "1 mission ouverte" in filtered and f"/missions/{mine['id']}" in filtered
    assert "Actes notariés" not in filtered
    bad = page(client, "/missions?min_budget=abc&postal_code=00000", status=422)
    assert 'id="f-min_budget-error"' in bad and 'id="f-postal_code-error"' in bad
