"""The confidentiality agreement (accord de confidentialité) of a confidential mission, as a
document a secretary reads and accepts before she sees the mission's details.

Its text names the business (name, SIRET, place), the mission by its title and reference,
and the secretary's undertakings; never the confidential description itself. It is
written from those facts with the mission's creation time as its date, so the same facts
give the same bytes: `current` stores each distinct content once (`NdaDocument`, a new
version when the title or the business's name changes) and an acceptance records her name
and the SHA-256 of the version she accepted.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from marketplace.config import Settings
from marketplace.documents.pdf import Writer, fingerprint
from marketplace.extensions import db
from marketplace.missions.models import Mission, NdaDocument
from marketplace.profiles.models import BusinessProfile


def _platform() -> str:
    settings: Settings = current_app.config["MARKETPLACE_SETTINGS"]
    return settings.platform_legal_name


def render(mission: Mission) -> bytes:
    business = db.session.get(BusinessProfile, mission.business_id)
    name = business.company_name if business else mission.business.display_name
    place = f"{business.postal_code} {business.city}" if business else ""
    w = Writer(f"Accord de confidentialité — {mission.title}", _platform(), mission.created_at)
    w.title("Accord de confidentialité")
    w.paragraph(f"Mission « {mission.title} » · référence {mission.id}", 8.5)
    w.heading("Entre")
    w.facts(
        [
            ("Le client", name),
            ("SIRET", (business.siret if business else None) or "non communiqué"),
            ("Adresse", place or "non communiquée"),
            ("Et", "la secrétaire indépendante qui accepte cet accord sur la plateforme"),
        ]
    )
    w.heading("Article 1 — Informations confidentielles")
    w.paragraph(
        "Sont confidentiels la description de la mission, les documents, fichiers, "
        "informations et données (notamment personnelles) que le client communique ou rend "
        "accessibles à la secrétaire, avant comme après le devis, quelle qu'en soit la forme."
    )
    w.heading("Article 2 — Engagements de la secrétaire")
    w.bullets(
        [
            "n'utiliser les informations que pour examiner la mission, établir son devis et, "
            "si elle est retenue, réaliser la mission ;",
            "ne les divulguer à personne, ni les copier ou les conserver au-delà de ce qui "
            "est nécessaire ;",
            "les protéger avec le même soin que ses propres informations confidentielles, "
            "et au moins avec un soin raisonnable ;",
            "les détruire ou les restituer à la demande du client, et en tout cas si elle "
            "n'est pas retenue.",
        ]
    )
    w.heading("Article 3 — Exceptions")
    w.paragraph(
        "L'accord ne couvre pas les informations déjà publiques, ni celles que la loi ou "
        "une autorité oblige à communiquer (le client en est alors informé si la loi le "
        "permet)."
    )
    w.heading("Article 4 — Durée")
    w.paragraph(
        "L'accord prend effet à son acceptation et dure cinq ans ; si la mission est "
        "confiée à la secrétaire, le contrat de prestation le complète."
    )
    w.heading("Article 5 — Acceptation")
    w.paragraph(
        f"La secrétaire accepte l'accord sur la plateforme {_platform()}, qui enregistre son "
        "nom, la date et l'heure et l'empreinte SHA-256 de ce document."
    )
    return w.output()


def current(mission: Mission) -> NdaDocument:
    """The agreement as it reads today, stored once per content (the caller commits)."""
    pdf = render(mission)
    sha = fingerprint(pdf)
    where = (NdaDocument.mission_id == mission.id, NdaDocument.sha256 == sha)
    found = db.session.scalar(sa.select(NdaDocument).where(*where))
    if found is not None:
        return found
    latest = db.session.scalar(
        sa.select(sa.func.max(NdaDocument.version)).where(NdaDocument.mission_id == mission.id)
    )
    document = NdaDocument(mission_id=mission.id, version=(latest or 0) + 1, sha256=sha, pdf=pdf)
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except IntegrityError:  # written by a concurrent reader: the same content
        stored = db.session.scalar(sa.select(NdaDocument).where(*where))
        assert stored is not None
        return stored
    return document


def filename(document: NdaDocument) -> str:
    return f"accord-de-confidentialite-{str(document.mission_id)[:8]}-v{document.version}.pdf"
