"""The site for everyone, in Chromium: English from the language switch, the keyboard alone,
a visible focus, and the landing page's search box leading straight to results."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser import world as w
from tests.browser.audit import audit
from tests.browser.conftest import Visitors
from tests.browser.steps import PASSWORD, flash


def test_english_from_the_language_switch_stays_for_the_whole_visit(page: Page, app: Flask) -> None:
    world = w.build(app)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find your independent secretary")
    expect(page.get_by_role("navigation", name=re.compile("Main"))).to_be_visible()

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill(world.business["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    main = page.get_by_role("main")
    expect(main.get_by_role("region", name="My contracts")).to_contain_text("Claire Dubois")
    payments = main.get_by_role("region", name="Payments and invoices")
    # English money format: "€450.00" (French: "450,00 €").
    expect(payments).to_contain_text("€450.00")
    expect(main).not_to_contain_text("Tableau de bord")
    expect(main).not_to_contain_text("séquestre")
    audit(page, "business-dashboard-en")

    # Back to French the same way.
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_the_landing_search_box_leads_straight_to_results(page: Page, app: Flask) -> None:
    w.build(app)
    page.goto("/")
    search = page.get_by_role("search", name="Rechercher une secrétaire")
    search.get_by_label("Quel secrétariat ?").fill("secrétaire médicale")
    search.get_by_label("Où ?").fill("69006")
    search.get_by_role("button", name="Rechercher").click()

    expect(page).to_have_url(re.compile(r"/recherche\?"))
    expect(page.get_by_role("heading", level=2)).to_contain_text(re.compile(r"\d+ secrétaires?"))
    expect(page.get_by_label("Mots-clés")).to_have_value("secrétaire médicale")  # filters kept
    expect(page.get_by_label("Code postal", exact=True)).to_have_value("69006")
    expect(page.get_by_role("link", name="Claire Dubois")).to_be_visible()


def _focus_ring(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim(),
                  outline: style.outlineStyle + ' ' + style.outlineWidth,
                  shadow: style.boxShadow};
        }"""
    )


def test_keyboard_alone_signs_in_with_a_visible_focus_all_along(page: Page, app: Flask) -> None:
    world = w.build(app)
    page.goto("/connexion")

    # First Tab: the skip link, visible once focused, leading to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, box
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#contenu$"))

    # Every stop on the way to the form shows where the focus is.
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        ring = _focus_ring(page)
        seen.append(ring)
        visible_outline = not ring["outline"].startswith("none") and not ring["outline"].endswith(
            " 0px"
        )
        assert visible_outline or ring["shadow"] not in ("none", ""), ring
        if ring["tag"] == "input" and page.evaluate("document.activeElement.type") == "email":
            break
    else:
        raise AssertionError(f"the e-mail field was never reached: {seen}")

    page.keyboard.type(world.claire["email"])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    flash(page, "Bonjour Claire Dubois")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")


def test_every_field_of_the_long_forms_has_a_label(page: Page, app: Flask) -> None:
    """Each input, select and textarea is named by a <label> (or a legend for choices)."""
    world = w.build(app)
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(world.nadia["email"])
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/missions/{world.open_mission['id']}")
    expect(page.get_by_role("heading", name="Proposer un devis")).to_be_visible()
    for path in ("/profil", f"/missions/{world.open_mission['id']}", "/recherche"):
        page.goto(path)
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('main input, main select, main textarea')]
                .filter(el => el.type !== 'hidden' && el.type !== 'submit')
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.outerHTML.slice(0, 100))"""
        )
        assert not unlabelled, (path, unlabelled)


def test_the_harness_records_a_request_that_leaves_the_site(visitors: Visitors) -> None:
    """The guard every browser test relies on does see a request to elsewhere (a page: the
    Content-Security-Policy stops an asset before it leaves, as the next test shows)."""
    page = visitors.new()
    page.goto("/")
    with page.expect_request("https://cdn.example.com/pixel.png"):
        page.evaluate("() => { window.location.href = 'https://cdn.example.com/pixel.png'; }")
    assert visitors.traffic.outside == ["https://cdn.example.com/pixel.png"]
    assert visitors.traffic.exits_taken == []
    visitors.traffic.outside.clear()  # seen: the test ends clean
    visitors.traffic.problems.clear()


def test_the_policy_blocks_an_asset_from_elsewhere_and_the_harness_says_so(
    visitors: Visitors,
) -> None:
    page = visitors.new()
    page.goto("/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => document.body.appendChild(Object.assign(new Image(), "
            "{src: 'https://cdn.example.com/pixel.png'}))"
        )
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }"
        )
    assert page.evaluate("() => window.injected") is None  # the inline script never ran
    assert visitors.traffic.problems
    assert all(p.startswith("CSP violation: ") for p in visitors.traffic.problems)
    visitors.traffic.outside.clear()  # Playwright lists the blocked image too; seen
    visitors.traffic.problems.clear()


def test_the_api_docs_run_under_the_policy(page: Page) -> None:
    """Swagger UI starts from a static file (no inline script) and breaks no directive."""
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/missions").first).to_be_visible()
