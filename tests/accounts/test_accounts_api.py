from __future__ import annotations

import sqlalchemy as sa

from tests import factories as f


def register(api, **overrides):
    payload = {
        "email": "claire.martin@exemple.fr",
        "password": "motdepasse-solide",
        "role": "secretary",
        "display_name": "Claire Martin",
    } | overrides
    return api.post("/api/v1/auth/register", payload)


def test_register_returns_the_user_and_a_working_token(api) -> None:
    status, body = register(api)
    assert status == 201
    assert body["user"]["role"] == "secretary"
    assert body["user"]["email"] == "claire.martin@exemple.fr"
    status, me = api.get("/api/v1/me", token=body["token"])
    assert status == 200 and me["id"] == body["user"]["id"]


def test_duplicate_email_is_a_conflict_whatever_the_case(api) -> None:
    assert register(api)[0] == 201
    status, body = register(api, email="Claire.Martin@Exemple.FR")
    assert status == 409 and "e-mail" in body["message"]


def test_validation_errors_name_their_fields(api) -> None:
    status, body = register(
        api, email="pas-un-email", password="court", role="operator", display_name=""
    )
    assert status == 422
    assert set(body["errors"]["json"]) == {"email", "role", "display_name"}
    status, body = register(api, password="court")
    assert status == 422 and list(body["errors"]["json"]) == ["password"]
    status, body = api.post("/api/v1/auth/register", {"email": "a@b.fr"})
    assert status == 422 and {"password", "role", "display_name"} <= set(body["errors"]["json"])
    status, body = register(api, admin=True)
    assert status == 422 and "admin" in body["errors"]["json"]


def test_nobody_can_register_as_operator(api) -> None:
    status, body = register(api, role="operator")
    assert status == 422 and "role" in body["errors"]["json"]


def test_token_exchange(api) -> None:
    register(api)
    status, body = api.post(
        "/api/v1/auth/token", {"email": "claire.martin@exemple.fr", "password": "motdepasse-solide"}
    )
    assert status == 200 and body["token"].startswith("mkt_")
    status, body = api.post(
        "/api/v1/auth/token",
        {"email": "claire.martin@exemple.fr", "password": "mauvais-mot-de-passe"},
    )
    assert status == 401
    unknown = api.post(
        "/api/v1/auth/token", {"email": "personne@exemple.fr", "password": "mauvais-mot-de-passe"}
    )
    assert unknown[0] == 401 and unknown[1]["message"] == body["message"]  # no account leak


def test_bad_or_revoked_tokens_are_401(api) -> None:
    user = f.register(api, "business")
    assert api.get("/api/v1/me")[0] == 401
    assert api.get("/api/v1/me", token="mkt_invalide")[0] == 401
    assert api.get("/api/v1/me", headers={"Authorization": "Basic abc"})[0] == 401
    assert api.call("DELETE", "/api/v1/auth/token", token=user["token"])[0] == 204
    assert api.get("/api/v1/me", token=user["token"])[0] == 401


def test_secrets_are_stored_hashed(api, app) -> None:
    user = f.register(api, "business")
    from marketplace.extensions import db

    with app.app_context():
        password_hash = db.session.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
        token_hashes = (
            db.session.execute(sa.text("SELECT token_hash FROM api_tokens")).scalars().all()
        )
    assert password_hash.startswith("$argon2id$")
    assert user["token"] not in token_hashes and len(token_hashes[0]) == 64


def test_create_admin_command(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-admin", "--email", "ops@exemple.fr", "--password", "motdepasse-operateur"]
    )
    assert result.exit_code == 0, result.output
    assert "ops@exemple.fr" in result.output
    again = runner.invoke(
        args=["create-admin", "--email", "ops@exemple.fr", "--password", "motdepasse-operateur"]
    )
    assert again.exit_code != 0 and "existe déjà" in again.output
    short = runner.invoke(args=["create-admin", "--email", "o2@exemple.fr", "--password", "x"])
    assert short.exit_code != 0
