"""The contract page shows the written agreement: its SHA-256, who accepted it and when, the
download, and the secretary's accept button (a CSRF-protected form)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.web.steps import WebDeal


def test_the_contract_page_shows_the_agreement_and_she_accepts_it_there(new_browser) -> None:
    deal = WebDeal(new_browser)
    deal.hire(agreement=False)
    page = deal.business.get(deal.contract_path)
    assert "Contrat de prestation" in page
    sha = re.search(r'<code class="sha256">([0-9a-f]{64})</code>', page.html)
    assert sha, page.text[:2000]
    assert "Accepté par Dr Martin" in page.text
    assert "En attente de l'acceptation de Claire Dubois" in page.text
    assert "J'accepte le contrat de prestation" not in page.text  # not hers to accept

    mine = deal.secretary.get(deal.contract_path)
    assert "J'accepte le contrat de prestation" in mine.text
    refused = deal.secretary.client.post(
        f"{deal.contract_path}/contrat-de-prestation/accepter", data={}
    )
    assert refused.status_code == 400  # without the form's CSRF token

    accepted = deal.accept_agreement()
    assert "Contrat de prestation accepté" in accepted.text
    assert "Accepté par Claire Dubois" in accepted.text
    assert "J'accepte le contrat de prestation" not in accepted.text

    response = deal.business.client.get(f"{deal.contract_path}/contrat-de-prestation.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages]
    last = re.sub(r"\s+", " ", pages[-1])
    assert sha.group(1) in last and "Claire Dubois" in last
