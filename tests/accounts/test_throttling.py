"""Sign-in and sign-up throttling: failures counted per account and per client address."""

from __future__ import annotations

import time
from typing import Any

import limits.storage.memory
import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role
from marketplace.accounts.services import create_user
from marketplace.extensions import db
from tests.conftest import ApiClient, make_app
from tests.web.browser import Browser

PASSWORD = "motdepasse-solide"
WRONG = "mauvais-mot-de-passe"
ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def throttled_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app as in production: throttling on, its counts in this app's own memory (the
    suite's `app` first: it migrated the database, and this one joins the test's savepoint)."""
    return make_app(database_url, tmp_path_factory, RATELIMIT_ENABLED="true")


class Clock:
    """The memory storage's clock, moved forward by the test instead of sleeping."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    return fake


def browser_from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def client_from(app: Flask, address: str) -> ApiClient:
    return ApiClient(browser_from(app, address))


def account(app: Flask, email: str) -> str:
    with app.app_context():
        create_user(email, PASSWORD, Role.SECRETARY, "Claire Martin")
        db.session.commit()
    return email


def sign_in(api: ApiClient, email: str, password: str) -> tuple[int, Any]:
    return api.post("/api/v1/auth/token", {"email": email, "password": password})


def test_sixth_wrong_password_for_one_account_is_429_with_retry_after(throttled_app) -> None:
    claire = account(throttled_app, "claire@exemple.fr")
    attacker = client_from(throttled_app, ATTACKER)
    for _ in range(5):
        assert sign_in(attacker, claire, WRONG)[0] == 401
    response = attacker.client.post("/api/v1/auth/token", json={"email": claire, "password": WRONG})
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    body = response.get_json()
    assert body["code"] == 429 and body["status"] == "Too Many Requests"
    assert body["error"] == "too_many_attempts" and body["message"]
    # Locked for everyone, even with the right password: a right guess is not revealed.
    assert sign_in(client_from(throttled_app, ELSEWHERE), claire, PASSWORD)[0] == 429


def test_other_accounts_and_addresses_still_sign_in(throttled_app) -> None:
    claire = account(throttled_app, "claire@exemple.fr")
    marc = account(throttled_app, "marc@exemple.fr")
    attacker = client_from(throttled_app, ATTACKER)
    for _ in range(6):
        sign_in(attacker, claire, WRONG)
    assert sign_in(attacker, marc, PASSWORD)[0] == 200  # the address has tries left
    assert sign_in(client_from(throttled_app, ELSEWHERE), marc, PASSWORD)[0] == 200


def test_successful_sign_ins_are_not_counted(throttled_app) -> None:
    claire = account(throttled_app, "claire@exemple.fr")
    office = client_from(throttled_app, ATTACKER)
    for _ in range(12):
        assert sign_in(office, claire, PASSWORD)[0] == 200
    for _ in range(5):
        assert sign_in(office, claire, WRONG)[0] == 401
    assert sign_in(office, claire, WRONG)[0] == 429


def test_one_address_trying_many_accounts_is_stopped(throttled_app) -> None:
    marc = account(throttled_app, "marc@exemple.fr")
    attacker = client_from(throttled_app, ATTACKER)
    for n in range(20):  # unknown addresses count like known ones
        assert sign_in(attacker, f"personne{n}@exemple.fr", WRONG)[0] == 401
    status, body = sign_in(attacker, marc, PASSWORD)
    assert status == 429 and body["error"] == "too_many_attempts"
    assert sign_in(client_from(throttled_app, ELSEWHERE), marc, PASSWORD)[0] == 200


def test_the_limit_resets_after_the_window(throttled_app, clock: Clock) -> None:
    claire = account(throttled_app, "claire@exemple.fr")
    attacker = client_from(throttled_app, ATTACKER)
    for _ in range(5):
        sign_in(attacker, claire, WRONG)
    assert sign_in(attacker, claire, PASSWORD)[0] == 429
    clock.now += 14 * 60
    assert sign_in(attacker, claire, PASSWORD)[0] == 429
    clock.now += 61
    assert sign_in(attacker, claire, PASSWORD)[0] == 200


def test_disabled_throttling_answers_every_attempt(app: Flask, api: ApiClient) -> None:
    assert app.config["RATELIMIT_ENABLED"] is False  # the suite's app: RATELIMIT_ENABLED=false
    claire = account(app, "claire@exemple.fr")
    for _ in range(30):
        assert sign_in(api, claire, WRONG)[0] == 401
    assert sign_in(api, claire, PASSWORD)[0] == 200


def test_the_web_sign_in_form_answers_429_in_french(throttled_app) -> None:
    claire = account(throttled_app, "claire@exemple.fr")
    browser = Browser(browser_from(throttled_app, ATTACKER))
    for _ in range(5):
        browser.submit("/connexion", {"email": claire, "password": WRONG}, expect=422)
    page = browser.submit("/connexion", {"email": claire, "password": PASSWORD}, expect=429)
    assert "Trop de tentatives" in page and page.heading() == "Connexion"
    csrf = browser.get("/connexion").form().fields["csrf_token"][0]
    raw = browser.client.post(
        "/connexion", data={"email": claire, "password": PASSWORD, "csrf_token": csrf}
    )
    assert raw.status_code == 429 and int(raw.headers["Retry-After"]) > 0


def test_sign_up_is_throttled_per_address_and_per_email(throttled_app) -> None:
    def register(api: ApiClient, email: str) -> int:
        payload = {
            "email": email,
            "password": PASSWORD,
            "role": "business",
            "display_name": "Cabinet Durand",
        }
        return api.post("/api/v1/auth/register", payload)[0]

    bot = client_from(throttled_app, ATTACKER)
    assert [register(bot, f"bot{n}@exemple.fr") for n in range(10)] == [201] * 10
    assert register(bot, "bot10@exemple.fr") == 429
    other = client_from(throttled_app, ELSEWHERE)
    assert [register(other, "deja@exemple.fr") for _ in range(4)] == [201, 409, 409, 429]


def test_wrong_current_password_counts_as_a_failed_sign_in(throttled_app) -> None:
    claire = account(throttled_app, "claire@exemple.fr")
    api = client_from(throttled_app, ELSEWHERE)
    token = sign_in(api, claire, PASSWORD)[1]["token"]
    change = {"current_password": WRONG, "new_password": "un-tout-autre-secret"}
    for _ in range(5):
        assert api.post("/api/v1/me/password", change, token=token)[0] == 422
    assert api.post("/api/v1/me/password", change, token=token)[0] == 429


def test_address_change_requests_are_throttled_per_account(throttled_app) -> None:
    claire = account(throttled_app, "claire@exemple.fr")
    api = client_from(throttled_app, ELSEWHERE)
    token = sign_in(api, claire, PASSWORD)[1]["token"]

    def change(n: int) -> int:
        payload = {"password": PASSWORD, "new_email": f"claire.{n}@exemple.fr"}
        return api.post("/api/v1/me/email", payload, token=token)[0]

    assert [change(n) for n in range(6)] == [202] * 5 + [429]
    response = api.client.post(
        "/api/v1/me/email",
        json={"password": PASSWORD, "new_email": "claire.7@exemple.fr"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_a_wrong_password_on_an_address_change_counts_as_a_failed_sign_in(
    throttled_app,
) -> None:
    claire = account(throttled_app, "claire@exemple.fr")
    api = client_from(throttled_app, ELSEWHERE)
    token = sign_in(api, claire, PASSWORD)[1]["token"]
    payload = {"password": WRONG, "new_email": "ailleurs@exemple.fr"}
    assert [api.post("/api/v1/me/email", payload, token=token)[0] for _ in range(5)] == [422] * 5
    assert sign_in(api, claire, PASSWORD)[0] == 429  # the account is locked for sign-in too
