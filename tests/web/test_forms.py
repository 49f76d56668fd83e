from __future__ import annotations

import pytest

from marketplace.web.forms import cents_to_input, parse_euros
from marketplace.web.helpers import is_local_path


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("28,50", 2850),
        ("28.50", 2850),
        ("28", 2800),
        ("28,5", 2850),
        ("1 234,50", 123450),
        ("1\u202f234,50\u00a0€", 123450),
        ("1.234,50", 123450),
        ("1,234.50", 123450),
        ("0,01", 1),
        ("€ 12", 1200),
    ],
)
def test_amounts_typed_in_euros_become_cents(app, typed: str, cents: int) -> None:
    with app.test_request_context():
        assert parse_euros(typed) == cents


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "28,505", "1.234", "-5", "12,3,4", "1,23.4,5", "1e3", "12..5", "99999999999"],
)
def test_unreadable_or_ambiguous_amounts_are_refused(app, typed: str) -> None:
    with app.test_request_context(), pytest.raises(ValueError):
        parse_euros(typed)


def test_cents_are_shown_in_the_visitor_s_format() -> None:
    assert cents_to_input(2850, "fr") == "28,50"
    assert cents_to_input(2850, "en") == "28.50"
    assert cents_to_input(None, "fr") == ""


@pytest.mark.parametrize(
    ("target", "local"),
    [
        ("/missions?page=2", True),
        ("/", True),
        ("//evil.example", False),
        ("/\\\\evil.example", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
        ("/ok\r\nSet-Cookie: x", False),
    ],
)
def test_only_local_paths_are_followed_after_sign_in(target, local) -> None:
    assert is_local_path(target) is local
