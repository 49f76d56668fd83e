"""Talking and handing over files in Chromium: a question before the quote, a PDF in the
answer, the "consulté par" register, a delivery with its file, and the operator who reads
the thread once a dispute is opened, and not before."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from tests import factories as f
from tests.browser.steps import flash, sign_in
from tests.conftest import ApiClient
from tests.conversations import files


def _thread(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conversation avec")


def test_a_question_a_pdf_its_register_a_delivery_and_the_dispute_reader(
    new_page: Callable[[], Page], app: Flask, tmp_path: Path
) -> None:
    rows = f.Rows(app)
    api = ApiClient(app.test_client())
    business = rows.business("Dr Lefèvre")
    secretary = rows.secretary("Inès Morel")
    mission = rows.mission(business, title="Frappe des comptes rendus de radiologie")
    bid = rows.bid(secretary, mission["id"], 80_000)
    answer_pdf = tmp_path / "consignes de frappe.pdf"
    answer_pdf.write_bytes(files.pdf("Consignes"))
    delivered_doc = tmp_path / "comptes rendus semaine 48.docx"
    delivered_doc.write_bytes(files.docx("CR semaine 48"))

    # She asks a question from the mission page, before quoting.
    ines = new_page()
    sign_in(ines, secretary["email"])
    ines.goto(f"/missions/{mission['id']}")
    ines.get_by_role("button", name="Poser une question").click()
    _thread(ines)
    ines.get_by_label("Votre message").fill(
        "Bonjour, les dictées arrivent-elles en MP3 ? Mon numéro : 06 11 22 33 44."
    )
    ines.get_by_role("button", name="Envoyer").click()
    own = ines.locator(".message.own").last
    expect(own).to_contain_text("[coordonnées masquées]")  # before hiring
    expect(own).not_to_contain_text("06 11 22 33 44")

    # The owner sees the unread conversation in the header and answers with a PDF.
    lefevre = new_page()
    sign_in(lefevre, business["email"])
    header = lefevre.get_by_role("navigation", name="Navigation principale")
    messages_link = header.get_by_role("link", name=re.compile(r"^Messages"))
    expect(messages_link).to_contain_text("1")
    messages_link.click()
    lefevre.get_by_role("link", name="Inès Morel").click()
    _thread(lefevre)
    expect(lefevre.locator(".message").first).to_contain_text("les dictées arrivent-elles")
    lefevre.get_by_label("Votre message").fill("Oui, en MP3. Voici nos consignes de frappe.")
    lefevre.get_by_label(re.compile("^Fichiers")).set_input_files(str(answer_pdf))
    lefevre.get_by_role("button", name="Envoyer").click()
    sent = lefevre.locator(".message.own").last
    expect(sent.get_by_role("link", name="consignes de frappe.pdf")).to_be_visible()
    expect(sent).to_contain_text("pas encore consulté")

    # She downloads it: the very bytes, as a download.
    ines.reload()
    with ines.expect_download() as download:
        ines.get_by_role("link", name="consignes de frappe.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == answer_pdf.read_bytes()
    assert download.value.suggested_filename == "consignes de frappe.pdf"

    # The owner sees who consulted it.
    lefevre.reload()
    expect(lefevre.locator(".message.own").last.locator(".register")).to_contain_text(
        "consulté par Inès Morel le"
    )

    # She is hired and paid into escrow (API), then delivers with her file.
    accept = api.post(f"/api/v1/bids/{bid['id']}/accept", token=business["token"])
    assert accept[0] == 201, accept
    contract_id = accept[1]["id"]
    assert api.post(f"/api/v1/contracts/{contract_id}/fund", token=business["token"])[0] == 200
    ines.goto(f"/contrats/{contract_id}")
    # She accepts the written agreement first (the delivery waits for it).
    ines.get_by_role("button", name="J'accepte le contrat de prestation").click()
    flash(ines, "Contrat de prestation accepté")
    ines.get_by_label("Message de livraison (facultatif)").fill("Les 36 comptes rendus.")
    ines.get_by_label(re.compile(r"^Livrables \(facultatif\)")).set_input_files(str(delivered_doc))
    ines.get_by_role("button", name="Marquer comme livré").click()
    flash(ines, "Travail marqué comme livré")
    lefevre.goto(f"/contrats/{contract_id}")
    deliverables = lefevre.get_by_role("region", name="Livrables et échanges")
    expect(deliverables.get_by_role("link", name="comptes rendus semaine 48.docx")).to_be_visible()
    deliverables.get_by_role("link", name="Ouvrir la conversation").click()
    _thread(lefevre)
    thread_path = lefevre.url.removeprefix(lefevre.url.split("/messages/")[0])
    expect(lefevre.locator(".message.delivery")).to_contain_text("Les 36 comptes rendus.")

    # The operator cannot read the thread before a dispute...
    operator = f.operator(api, app)
    reader = new_page()
    sign_in(reader, operator["email"])
    reader.goto(thread_path)
    expect(reader.get_by_role("heading", level=1)).not_to_contain_text("Conversation")

    # ...and can once the business opens one: read-only, and the parties are told.
    lefevre.goto(f"/contrats/{contract_id}")
    lefevre.get_by_text("Un problème ? Ouvrir un litige").click()
    lefevre.get_by_label("Décrivez le problème").fill("Il manque les comptes rendus du vendredi.")
    lefevre.get_by_role("button", name="Ouvrir le litige").click()
    reader.goto(thread_path)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Conversation du litige")
    expect(reader.locator(".message").first).to_contain_text("les dictées arrivent-elles")
    expect(reader.get_by_label("Votre message")).to_have_count(0)
    ines.goto(thread_path)
    expect(ines.locator("#lecture-operateur")).to_contain_text(
        "l'équipe de la plateforme peut lire"
    )
