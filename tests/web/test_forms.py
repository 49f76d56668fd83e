from __future__ import annotations

import pytest

from marketplace.web.helpers import is_local_path


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
