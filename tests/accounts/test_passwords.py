"""Password hashing: bounded concurrency and one dummy hash."""

from __future__ import annotations

import threading
import time

import argon2
import pytest
from flask import Flask

from marketplace.accounts import passwords


def test_at_most_one_hash_per_slot_runs_at_once(app: Flask, monkeypatch) -> None:
    monkeypatch.setattr(passwords, "_HASH_SLOTS", threading.BoundedSemaphore(2))
    running = 0
    most = 0
    lock = threading.Lock()
    real_verify = argon2.PasswordHasher.verify

    def slow_verify(self, hash, password):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return real_verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", slow_verify)
    with app.app_context():
        stored = passwords.hash_password("motdepasse-solide")

    def sign_in() -> None:
        with app.app_context():
            assert not passwords.verify_password(stored, "mauvais-mot-de-passe")

    threads = [threading.Thread(target=sign_in) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 2


def test_the_dummy_hash_is_made_once_with_the_real_parameters(app: Flask, monkeypatch) -> None:
    with app.app_context():
        first = passwords.dummy_hash()
        assert passwords.dummy_hash() == first
        real = passwords.hash_password("motdepasse-solide")
    params = argon2.extract_parameters(first)
    assert params == argon2.extract_parameters(real)
    made = []
    monkeypatch.setattr(argon2.PasswordHasher, "hash", lambda *a, **k: made.append(a))
    with app.app_context():
        passwords.verify_dummy("mauvais-mot-de-passe")
    assert made == []  # verifying an unknown address hashes nothing new


@pytest.mark.parametrize("password", ["motdepasse-solide", "lumière-du-matin-sur-Lyon"])
def test_ordinary_passwords_pass_the_rules(app: Flask, password: str) -> None:
    with app.test_request_context():
        assert passwords.password_problem(password, email="claire@exemple.fr") is None
