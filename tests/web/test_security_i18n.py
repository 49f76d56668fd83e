from __future__ import annotations

from flask import Flask

from tests.web.browser import Browser, Page
from tests.web.steps import PASSWORD, sign_up


def test_a_post_without_csrf_token_is_refused(app: Flask, new_browser) -> None:
    assert app.config.get("WTF_CSRF_ENABLED", True) is True  # tests keep CSRF protection on
    browser = new_browser()
    email = sign_up(new_browser(), "business")
    response = browser.post_raw("/connexion", {"email": email, "password": PASSWORD})
    assert response.status_code == 400
    page = Page(response)
    assert "Le formulaire a expiré" in page
    assert browser.get("/tableau-de-bord").path == "/connexion"  # not signed in

    signed_in = new_browser()
    sign_up(signed_in, "business")
    response = signed_in.post_raw("/deconnexion", {})
    assert response.status_code == 400
    assert signed_in.get("/tableau-de-bord").path == "/tableau-de-bord"  # still signed in


def test_english_switch_translates_headings_and_french_comes_back(browser: Browser) -> None:
    page = browser.get("/")
    assert page.heading() == "Trouvez votre secrétaire indépendante"
    assert 'lang="fr"' in page.html
    page = browser.get("/langue/en?next=/connexion")
    assert page.path == "/connexion"
    assert page.heading() == "Sign in"
    assert 'lang="en"' in page.html
    assert browser.get("/").heading() == "Find your independent secretary"
    assert browser.get("/langue/fr?next=/").heading() == "Trouvez votre secrétaire indépendante"


def test_language_switch_never_redirects_off_site(browser: Browser) -> None:
    response = browser.client.get("/langue/en?next=https://evil.example/")
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")
    assert browser.client.get("/langue/xx").status_code == 404


def test_unknown_page_has_a_french_error_page(browser: Browser) -> None:
    page = browser.get("/nulle-part", expect=404)
    assert page.heading() == "Page introuvable"
    assert "Retour à l'accueil" in page


def test_every_message_of_the_code_and_templates_has_an_english_translation() -> None:
    """The English catalogue covers what `pybabel extract` finds (see babel.cfg)."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    with (root / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root),
            method_map,
            options_map,
            keywords=keywords,
            directory_filter=lambda path: (
                Path(path).resolve().is_relative_to(root / "marketplace")
                or Path(path).resolve() == root
            ),
        )
    }
    assert len(found) > 300, len(found)  # the extraction did read the code and templates
    path = root / "marketplace/translations/en/LC_MESSAGES/messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue
        if m.id and (all(m.string) if isinstance(m.string, tuple | list) else m.string)
    }
    missing = sorted(found - translated)
    assert not missing, (
        f"no English for {len(missing)} messages (pybabel update, see babel.cfg): {missing[:20]}"
    )
