from __future__ import annotations

from tests.web.browser import Browser
from tests.web.steps import fill_secretary_profile, secretary_form, sign_up


def test_secretary_profile_saves_and_shows_the_resolved_city(browser: Browser) -> None:
    sign_up(browser, "secretary", "Claire Dubois")
    page = fill_secretary_profile(browser, postal_code="69003", hourly_rate="28,50")
    assert page.path == "/profil"
    assert "Localisation : Lyon (Rhône)" in " ".join(page.flashes())
    assert "Localisation enregistrée : Lyon — Rhône (69), Auvergne-Rhône-Alpes" in page
    # the form shows what was saved, amounts in French
    assert page.value("hourly_rate") == "28,50"
    assert page.value("siret") == "73282932000074"
    assert 'value="medical" checked' in page.html
    assert 'id="f-remote" name="remote" value="y" checked' in page.html

    public = browser.get("/tableau-de-bord")
    assert "voir comme un client" in public


def test_bad_postal_code_shows_the_error_next_to_the_field_and_keeps_the_values(
    browser: Browser,
) -> None:
    sign_up(browser, "secretary")
    page = browser.submit(
        "/profil", secretary_form(postal_code="99999", headline="Assistante juridique"), expect=422
    )
    assert page.field_error("postal_code") == "Code postal inconnu : 99999."
    assert page.value("postal_code") == "99999"
    assert page.value("headline") == "Assistante juridique"
    assert page.value("hourly_rate") == "28,50"
    assert 'value="medical" checked' in page.html
    assert "Certains champs sont à corriger" in page
    assert "Profil enregistré" not in page


def test_hourly_rate_accepts_a_dot_and_refuses_unreadable_amounts(browser: Browser) -> None:
    sign_up(browser, "secretary")
    fill_secretary_profile(browser, hourly_rate="31.5")
    assert browser.get("/profil").value("hourly_rate") == "31,50"

    page = browser.submit("/profil", secretary_form(hourly_rate="28,505"), expect=422)
    assert page.field_error("hourly_rate") == "Deux décimales au plus (par exemple 28,50)."
    page = browser.submit("/profil", secretary_form(hourly_rate="vingt euros"), expect=422)
    assert page.field_error("hourly_rate") == "Montant illisible : écrivez par exemple 28,50."
    page = browser.submit("/profil", secretary_form(hourly_rate="2"), expect=422)
    assert page.field_error("hourly_rate") == "Entre 5,00 € et 500,00 €."
    page = browser.submit("/profil", secretary_form(hourly_rate="", specialties=[]), expect=422)
    assert page.field_error("hourly_rate") == "Ce champ est obligatoire."
    assert page.text_of("f-specialties-error") == "Choisissez entre 1 et 5 options."
    assert browser.get("/profil").value("hourly_rate") == "31,50"  # nothing saved


def test_on_site_only_secretary_must_give_a_radius(browser: Browser) -> None:
    sign_up(browser, "secretary")
    data = secretary_form(onsite_radius_km="0")
    del data["remote"]
    page = browser.submit("/profil", data, expect=422)
    assert "Indiquez un rayon d'intervention" in page.field_error("onsite_radius_km")
    assert 'id="f-remote" name="remote" value="y" checked' not in page.html


def test_business_profile_shows_city_and_refuses_a_bad_siret(browser: Browser) -> None:
    sign_up(browser, "business")
    page = browser.submit(
        "/profil",
        {"company_name": "Étude Lefèvre", "postal_code": "75008", "siret": "12345678901234"},
        expect=422,
    )
    assert page.field_error("siret") == "Ce SIRET n'est pas valide (clé de contrôle)."
    assert page.value("company_name") == "Étude Lefèvre"
    page = browser.submit(
        "/profil", {"company_name": "Étude Lefèvre", "postal_code": "75008", "sector": "Avocats"}
    )
    assert "Localisation enregistrée : Paris" in page
    assert page.value("sector") == "Avocats"


def test_public_profile_shows_rate_place_and_availability(browser: Browser, new_browser) -> None:
    sign_up(browser, "secretary", "Claire Dubois")
    fill_secretary_profile(browser)
    secretary_id = browser.get("/tableau-de-bord").html.split('href="/secretaires/')[1][:36]

    visitor = new_browser()
    page = visitor.get(f"/secretaires/{secretary_id}")
    assert page.heading() == "Claire Dubois"
    assert "Secrétaire médicale à distance, 12 ans d'expérience" in page
    assert "28,50 € HT / heure" in page
    assert "+20 %" in page
    assert "Lyon (69), Auvergne-Rhône-Alpes" in page
    assert "À distance · sur place jusqu'à 20 km" in page
    assert "Lundi, Mardi, Jeudi · 20 h par semaine" in page
    assert "Français, Anglais" in page
    assert "Médical" in page and "Frappe de comptes rendus médicaux" in page
    assert "Pas encore d'avis" in page
    assert "Missions terminées : 0" in page
    assert "Créer un compte entreprise" in page  # anonymous visitors get a call to action


def test_operator_has_no_profile_form(app, browser: Browser) -> None:
    from marketplace.accounts.services import create_operator

    with app.app_context():
        create_operator("ops-profile@exemple.fr", "motdepasse-operateur")
    browser.submit(
        "/connexion", {"email": "ops-profile@exemple.fr", "password": "motdepasse-operateur"}
    )
    page = browser.get("/profil", expect=403)
    assert page.heading() == "Accès refusé"


def test_her_working_hours_on_the_form_become_her_slots(browser: Browser) -> None:
    sign_up(browser, "secretary", "Nadia Benali")
    page = fill_secretary_profile(
        browser,
        slot_start="08:00",
        slot_end="12:00",
        slot2_start="14:00",
        slot2_end="18:00",
    )
    assert page.value("slot_start") == "08:00" and page.value("slot2_end") == "18:00"
    public_path = browser.get("/tableau-de-bord").html.split('href="/secretaires/')[1][:36]
    public = browser.get(f"/secretaires/{public_path}")
    assert "Lundi, Mardi, Jeudi : 08:00–12:00, 14:00–18:00" in public

    bad = browser.submit(
        "/profil", secretary_form(slot_start="12:00", slot_end="08:00"), expect=422
    )
    assert bad.field_error("slot_start") == "La fin du créneau doit suivre son début."
    assert browser.get("/profil").value("slot_start") == "08:00"  # nothing saved
