from __future__ import annotations

from tests.web.browser import Browser
from tests.web.steps import PASSWORD, sign_in, sign_up


def test_landing_presents_both_audiences_and_the_search_box(browser: Browser) -> None:
    page = browser.get("/")
    assert page.heading() == "Trouvez votre secrétaire indépendante"
    assert "Publier une mission" in page
    assert "Créer mon profil de secrétaire" in page
    search = page.form("/recherche")
    assert search.method == "get"
    assert 'for="search-q">Quel secrétariat ?' in page.html
    assert 'for="search-postal-code">Où ?' in page.html
    assert 'name="q"' in page.html and 'name="postal_code"' in page.html
    assert 'href="/inscription?role=business"' in page.html
    assert 'href="/inscription?role=secretary"' in page.html


def test_business_signs_up_and_lands_on_its_company_form(browser: Browser) -> None:
    sign_up(browser, "business", "Dr Martin")
    page = browser.get("/profil")
    assert page.heading() == "Mon entreprise"
    assert "Mon entreprise" in page  # navigation adapted to the role
    dashboard = browser.get("/tableau-de-bord")
    assert "Bonjour Dr Martin" in dashboard
    assert "Présentez votre entreprise" in dashboard


def test_secretary_signs_up_signs_out_and_signs_in_again(browser: Browser) -> None:
    email = sign_up(browser, "secretary", "Claire Dubois")
    dashboard = browser.get("/tableau-de-bord")
    assert "Complétez votre profil pour recevoir des missions" in dashboard

    page = browser.submit(dashboard, action="/deconnexion")
    assert "Vous êtes déconnecté·e" in page
    assert browser.get("/tableau-de-bord").path == "/connexion"

    page = sign_in(browser, email)
    assert page.path == "/tableau-de-bord"
    assert "Bonjour Claire Dubois, vous êtes connecté·e." in page.flashes()


def test_wrong_password_shows_one_error_that_does_not_reveal_the_account(
    browser: Browser, new_browser
) -> None:
    email = sign_up(new_browser(), "business")
    wrong = browser.submit("/connexion", {"email": email, "password": "pas-le-bon-mdp"}, expect=422)
    unknown = browser.submit(
        "/connexion", {"email": "personne@exemple.fr", "password": "pas-le-bon-mdp"}, expect=422
    )
    assert "Adresse e-mail ou mot de passe incorrect." in wrong
    assert "Adresse e-mail ou mot de passe incorrect." in unknown
    assert wrong.value("email") == email  # typed e-mail kept, password never echoed
    assert "pas-le-bon-mdp" not in wrong.html
    assert wrong.heading() == unknown.heading() == "Connexion"


def test_short_password_and_missing_role_show_errors_next_to_the_fields(browser: Browser) -> None:
    page = browser.submit(
        "/inscription",
        {"display_name": "Léa", "email": "lea@exemple.fr", "password": "court"},
        expect=422,
    )
    assert page.text_of("f-role-error") == "Ce champ est obligatoire."
    assert page.value("display_name") == "Léa"
    page = browser.submit(
        "/inscription",
        {
            "role": "secretary",
            "display_name": "Léa",
            "email": "lea@exemple.fr",
            "password": "court",
        },
        expect=422,
    )
    assert page.field_error("password") == "Au moins 10 caractères."
    assert page.value("email") == "lea@exemple.fr"


def test_duplicate_email_is_refused_next_to_the_email_field(browser: Browser, new_browser) -> None:
    email = sign_up(new_browser(), "business")
    page = browser.submit(
        "/inscription",
        {
            "role": "secretary",
            "display_name": "Autre",
            "email": email.upper(),
            "password": PASSWORD,
        },
        expect=422,
    )
    assert page.field_error("email") == "Un compte existe déjà avec cette adresse e-mail."


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(
    browser: Browser, new_browser
) -> None:
    email = sign_up(new_browser(), "business")
    login = browser.get("/missions/nouvelle")
    assert login.path == "/connexion"
    assert "Connectez-vous pour accéder à cette page." in login.flashes()
    page = browser.submit(login, {"email": email, "password": PASSWORD})
    assert page.path == "/missions/nouvelle"
    assert page.heading() == "Publier une mission"

    other = new_browser()
    login = other.get("/connexion?next=https://evil.example/vol")
    page = other.submit(login, {"email": email, "password": PASSWORD})
    assert page.path == "/tableau-de-bord"
    login = other.get("/connexion?next=//evil.example")
    assert "evil.example" not in login.html


def test_a_form_posted_after_the_session_ended_does_not_lead_to_a_dead_end(
    browser: Browser, new_browser
) -> None:
    email = sign_up(new_browser(), "secretary")
    login = browser.get("/connexion?next=/deconnexion")  # POST-only, as after an expired form
    page = browser.submit(login, {"email": email, "password": PASSWORD})
    assert page.path == "/tableau-de-bord"
