"""A confidential mission's confidentiality agreement as a document: a PDF with its SHA-256,
accepted with the secretary's name and that SHA-256."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests import factories as f


def test_the_confidentiality_agreement_is_a_document_accepted_by_its_hash(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner, confidential=True, description="Dossiers très secrets.")
    sec = f.secretary(api)
    path = f"/api/v1/missions/{mission['id']}/nda"

    status, nda = api.get(path, token=sec["token"])
    assert status == 200, nda
    assert len(nda["sha256"]) == 64 and nda["version"] == 1 and nda["acceptance"] is None
    response = api.client.get(f"{path}.pdf", headers={"Authorization": f"Bearer {sec['token']}"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["X-Document-SHA256"] == nda["sha256"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Accord de confidentialité" in text and "Cabinet du Dr Martin" in text
    assert mission["title"] in text
    assert "très secrets" not in text  # the description stays behind the agreement

    status, body = api.post(path, {"sha256": "f" * 64}, token=sec["token"])
    assert status == 409 and body["error"] == "nda_changed"
    status, body = api.post(path, {"sha256": nda["sha256"]}, token=sec["token"])
    assert status == 200 and body["description"] == "Dossiers très secrets."
    assert api.post(path, token=sec["token"])[0] == 200  # again: nothing changes
    status, again = api.get(path, token=sec["token"])
    assert again["sha256"] == nda["sha256"] and again["version"] == 1
    assert again["acceptance"]["sha256"] == nda["sha256"]
    assert again["acceptance"]["name"].startswith("Secretary")


def test_a_mission_without_confidentiality_has_no_agreement(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner)
    assert api.get(f"/api/v1/missions/{mission['id']}/nda", token=owner["token"])[0] == 404
    assert api.get(f"/api/v1/missions/{mission['id']}/nda.pdf", token=owner["token"])[0] == 404
