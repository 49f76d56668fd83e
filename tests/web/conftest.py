from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.web.browser import Browser


@pytest.fixture
def new_browser(app: Flask) -> Callable[[], Browser]:
    """Each call is a new visitor with an empty cookie jar."""
    return lambda: Browser(app.test_client())


@pytest.fixture
def browser(new_browser: Callable[[], Browser]) -> Browser:
    return new_browser()
