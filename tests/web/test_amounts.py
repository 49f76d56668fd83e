"""Every amount field reads euros the same way: the search filter as the forms."""

from __future__ import annotations

from typing import Any

from tests.search.helpers import secretary
from tests.web.browser import Browser
from tests.web.steps import fill_business_profile, mission_form, sign_up


def test_search_filter_and_mission_budget_read_the_same_amounts(api: Any, browser: Browser) -> None:
    wanted = secretary(api, hourly_rate_cents=3000)
    sign_up(browser, "business")
    fill_business_profile(browser)

    # "1.234,50" is 1 234,50 € in both.
    page = browser.submit("/missions/nouvelle", mission_form(budget="1.234,50"))
    assert "1 234,50 € · Forfait" in page
    found = browser.get("/recherche?max_rate=1.234,50")
    assert "f-max_rate-error" not in found.html
    assert f"/secretaires/{wanted['id']}" in found.html

    # "1.234" could be 1 234 € or 1,23 €: both refuse it, with the same message.
    refused = browser.submit("/missions/nouvelle", mission_form(budget="1.234"), expect=422)
    message = refused.field_error("budget")
    assert message == "Deux décimales au plus (par exemple 28,50)."
    assert browser.get("/recherche?max_rate=1.234", expect=422).field_error("max_rate") == message
