"""The dashboards' heading area."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.web.browser import Browser, Page
from tests.web.steps import fill_business_profile, sign_up


def _page_head(page: Page) -> str:
    match = re.search(r'<div class="page-head">(.*?)</div>', page.html, re.S)
    assert match, page
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_business_dashboard_names_the_company_once(
    new_browser: Callable[[], Browser],
) -> None:
    # The demo businesses, like many sign-ups, use the company's name as their own.
    browser = new_browser()
    sign_up(browser, "business", "Cabinet du Dr Martin")
    fill_business_profile(browser, company_name="Cabinet du Dr Martin")
    head = _page_head(browser.get("/tableau-de-bord"))
    assert head.count("Cabinet du Dr Martin") == 1, head
    assert "Bonjour Cabinet du Dr Martin" in head and "Lyon (69)" in head

    # A person's name and the company's are both worth showing.
    browser = new_browser()
    sign_up(browser, "business", "Dr Martin")
    fill_business_profile(browser, company_name="Cabinet du Dr Martin")
    head = _page_head(browser.get("/tableau-de-bord"))
    assert "Bonjour Dr Martin · Cabinet du Dr Martin, Lyon (69)" in head, head
