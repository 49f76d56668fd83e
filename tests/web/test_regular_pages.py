"""Regular work on the pages: the business pays a period, the secretary fills in her week
from the timesheet form, sends it, the business reads the totals by kind and approves,
then ends the contract with its notice."""

from __future__ import annotations

from datetime import date

from tests.regular.steps import Engagement
from tests.web.steps import sign_in


def test_a_week_of_regular_work_through_the_pages(api, new_browser) -> None:
    e = Engagement(api)
    business, secretary = new_browser(), new_browser()
    sign_in(business, e.business["email"])
    sign_in(secretary, e.secretary["email"])
    path = f"/contrats/{e.id}"

    page = business.get(path)
    assert "30,00 €" in page and "/ heure" in page
    assert "urgent +50 %" in page and "soir +25 %" in page
    assert "Payer 300,00 €" in page
    page = business.submit(page, action=f"/contrats/{e.id}/periodes/{e.period()['id']}/payer")
    assert "Période payée : les fonds sont en séquestre." in page.flashes()
    assert "Payée, en cours" in page

    page = secretary.get(path)
    assert "0 min sur 10 h" in page
    form = f"/contrats/{e.id}/heures"
    page = secretary.submit(
        page,
        {
            "date": date.today().isoformat(),
            "hours": "2",
            "minutes": "30",
            "rate_kind": "evening",
            "description": "Rappels des patients",
        },
        action=form,
    )
    assert "150 min enregistrées." in page.flashes()
    assert "2 h 30 sur 10 h" in page
    assert "Rappels des patients" in page and "93,75 €" in page
    page = secretary.submit(
        page,
        {"date": date.today().isoformat(), "hours": "", "minutes": "", "description": "x"},
        action=form,
    )
    assert any("minutes" in f or "tâche" in f.lower() for f in page.flashes()), page.flashes()
    page = secretary.submit(
        page,
        {"date": date.today().isoformat(), "hours": "9", "minutes": "0", "description": "Trop"},
        action=form,
    )
    assert any("plafond" in f for f in page.flashes()), page.flashes()
    page = secretary.submit(page, action=f"/contrats/{e.id}/periodes/{e.period()['id']}/envoyer")
    assert "Relevé d'heures envoyé au client pour validation." in page.flashes()

    page = business.get(path)
    assert "Relevé à valider" in page
    assert "Soir : 2 h 30 — 93,75 €" in page
    assert "validé automatiquement le" in page
    page = business.submit(page, action=f"/contrats/{e.id}/periodes/{e.period()['id']}/valider")
    [flash] = page.flashes()
    assert flash.startswith("Relevé validé :")
    assert "206,25 €" in flash  # refunded: 300,00 € funded, 93,75 € used
    assert "Validée, versée" in page

    page = business.submit(page, {"reason": "Le cabinet ferme."}, action=f"/contrats/{e.id}/fin")
    assert any(f.startswith("Fin du contrat enregistrée") for f in page.flashes())
    assert "Fin du contrat prévue le" in page
    assert "Mettre fin au contrat" not in page


def test_posting_recurring_work_flags_an_implausible_budget_first(api, new_browser) -> None:
    from tests import factories as f

    owner = f.business(api)
    browser = new_browser()
    sign_in(browser, owner["email"])
    form = {
        "title": "Permanence téléphonique du cabinet",
        "description": "Prise des appels et des rendez-vous du cabinet, chaque matin.",
        "specialty": "medical",
        "schedule": "recurring",
        "period": "week",
        "hours_per_period": "36",
        "notice_days": "7",
        "slot_days": ["mon", "tue", "wed", "thu", "fri"],
        "slot_start": "08:00",
        "slot_end": "12:00",
        "pricing": "hourly",
        "budget": "30",
        "postal_code": "69003",
        "start_date": date.today().isoformat(),
        "remote_ok": "y",
    }
    page = browser.submit("/missions/nouvelle", form)
    assert page.path == "/missions/nouvelle"
    assert "Ce budget revient à 0,83 € de l'heure" in page
    assert browser.get("/missions").text.count("Permanence téléphonique du cabinet") == 0
    page = browser.submit(page, form | {"confirm_budget": "y"}, action="/missions/nouvelle")
    assert "Mission publiée." in " ".join(page.flashes())
    assert "36 h par semaine" in page and "préavis de 7 jours" in page
    assert "Lundi, Mardi, Mercredi, Jeudi, Vendredi : 08:00–12:00" in page
    bad = form | {"slot_end": "07:00", "budget": "1 000", "slot_days": ["mon"]}
    page = browser.submit("/missions/nouvelle", bad, expect=422)
    assert "La fin du créneau doit suivre son début." in page


def test_an_urgent_request_is_offered_on_the_page_and_she_answers_it(api, new_browser) -> None:
    e = Engagement(api)
    e.fund(e.period()["id"])
    business, secretary = new_browser(), new_browser()
    sign_in(business, e.business["email"])
    sign_in(secretary, e.secretary["email"])
    page = business.submit(
        f"/contrats/{e.id}",
        {"title": "Relancer les patients de demain", "within_hours": "3"},
        action=f"/contrats/{e.id}/urgences",
    )
    assert "Demande urgente envoyée" in " ".join(page.flashes())
    page = secretary.get(f"/contrats/{e.id}")
    assert "Relancer les patients de demain" in page and "En attente de réponse" in page
    _status, [request] = api.get(
        f"/api/v1/contracts/{e.id}/urgent-requests", token=e.secretary["token"]
    )
    page = secretary.submit(page, action=f"/urgences/{request['id']}/decliner")
    assert "Demande déclinée." in page.flashes()
    assert "Déclinée" in page
