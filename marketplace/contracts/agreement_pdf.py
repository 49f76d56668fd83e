"""The service agreement as a French PDF, written from its stored facts only
(`agreement.facts_of`), and the page of acceptances added at download."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from marketplace.contracts.agreement_models import ContractAgreement
from marketplace.documents.pdf import Writer, with_pages
from marketplace.money import euros

PARIS = ZoneInfo("Europe/Paris")
_DAYS = {
    "mon": "lundi",
    "tue": "mardi",
    "wed": "mercredi",
    "thu": "jeudi",
    "fri": "vendredi",
    "sat": "samedi",
    "sun": "dimanche",
}
_PERIOD = {"week": "semaine", "month": "mois"}
_ROLE = {"business": "Le client", "secretary": "La prestataire"}


def _date(iso: str | None) -> str:
    if not iso:
        return "sans date de fin"
    return format_date(date.fromisoformat(iso), format="d MMMM y", locale="fr_FR")


def _hours(minutes: int | None) -> str:
    return f"{(minutes or 0) / 60:g}".replace(".", ",") + " h"


def _party(who: dict[str, Any], role: str) -> list[tuple[str, str]]:
    rows = [(role, who["name"])]
    if who.get("legal_form"):
        rows.append(("Forme", who["legal_form"]))
    if who.get("representative") and who["representative"] != who["name"]:
        rows.append(("Représenté par", who["representative"]))
    rows.append(("SIRET", who.get("siret") or "non communiqué"))
    rows.append(("Adresse", ", ".join(who.get("address_lines") or []) or "non communiquée"))
    return rows


def _price(facts: dict[str, Any], w: Writer) -> None:
    price = facts["price"]
    surcharges = price["surcharges"]
    if facts["kind"] == "fixed":
        w.paragraph(
            f"Prix forfaitaire : {euros(price['amount_cents'])} pour l'ensemble de la "
            "mission, tel qu'il figure au devis accepté."
        )
    else:
        per = _PERIOD.get(facts["schedule"]["period"] or "", "période")
        w.facts(
            [
                ("Taux horaire", f"{euros(price['hourly_rate_cents'] or 0)} de l'heure"),
                (
                    "Volume",
                    f"{_hours(price['cap_minutes_per_period'])} au plus par {per}"
                    if facts["kind"] == "recurring"
                    else f"{_hours(price['cap_minutes_per_period'])} au plus",
                ),
                ("Plafond", f"{euros(price['amount_cents'])} par période au taux normal"),
                ("Majoration urgence", f"{surcharges['urgent']} %"),
                ("Majoration soir", f"{surcharges['evening']} % (après 19 h)"),
                ("Majoration week-end", f"{surcharges['weekend']} %"),
            ]
        )
        w.paragraph(
            "Le temps est déclaré par la prestataire (date, durée, tâche, nature des heures) "
            "et facturé au taux horaire, majoré selon la nature des heures ; il ne peut "
            "dépasser le plafond de la période."
        )
    vat = (
        "TVA non applicable, art. 293 B du CGI."
        if facts["secretary"].get("vat_exempt", True)
        else "Les montants s'entendent toutes taxes comprises."
    )
    w.paragraph(vat)


def _schedule(facts: dict[str, Any], w: Writer) -> None:
    schedule = facts["schedule"]
    rows = [("Début", _date(schedule["starts_on"])), ("Fin", _date(schedule["ends_on"]))]
    if schedule["recurring"]:
        rows.append(("Périodicité", f"par {_PERIOD.get(schedule['period'] or '', 'période')}"))
    slots = schedule.get("weekly_slots") or []
    if slots:
        rows.append(
            (
                "Créneaux",
                ", ".join(
                    f"{_DAYS.get(s['day'], s['day'])} {s['start']}–{s['end']}" for s in slots
                ),
            )
        )
    mission = facts["mission"]
    rows.append(("Lieu", "à distance" if mission["remote_ok"] else mission["city"]))
    w.facts(rows)


def _annex(facts: dict[str, Any], w: Writer) -> None:
    data = facts["personal_data"]
    w.new_page()
    w.title("Annexe : traitement de données personnelles (art. 28 du RGPD)")
    w.paragraph(
        "Pour l'exécution de la mission, la prestataire traite des données personnelles pour "
        "le compte du client. Le client est responsable du traitement ; la prestataire est "
        "sous-traitante au sens de l'article 28 du règlement (UE) 2016/679 (RGPD)."
    )
    w.heading("1. Objet et durée")
    w.paragraph(
        f"Objet : l'exécution de la mission « {facts['mission']['title']} ». Durée : celle "
        "du contrat, du "
        f"{_date(facts['schedule']['starts_on'])} jusqu'à sa fin, puis le temps de restituer "
        "ou de supprimer les données."
    )
    w.heading("2. Nature et finalité du traitement")
    w.paragraph(
        "Consultation, saisie, enregistrement, mise à jour et transmission de données, "
        "uniquement pour réaliser les tâches décrites au contrat "
        f"({', '.join(facts['mission']['skills']) or facts['mission']['specialty']}), "
        "au nom du client et pour ses seuls besoins."
    )
    w.heading("3. Catégories de personnes concernées")
    w.bullets(data["persons"])
    w.heading("4. Catégories de données")
    w.bullets(data["data"])
    w.heading("5. Obligations de la prestataire")
    w.bullets(
        [
            "ne traiter les données que sur instruction documentée du client, y compris pour "
            "tout transfert hors de l'Union européenne ; informer le client si une instruction "
            "lui paraît contraire au RGPD ;",
            "garantir la confidentialité des données : elle s'y engage personnellement et n'y "
            "donne accès à personne ;",
            "prendre les mesures de sécurité de l'article 32 : poste protégé par mot de "
            "passe et chiffré, sessions verrouillées, aucune copie sur un support personnel "
            "non protégé, échanges par des moyens sécurisés ;",
            "ne recourir à aucun sous-traitant ultérieur sans l'autorisation écrite préalable "
            "du client, qui lui imposerait les mêmes obligations ;",
            "aider le client à répondre aux demandes d'exercice des droits des personnes "
            "(accès, rectification, effacement, opposition, limitation, portabilité) et à "
            "respecter ses obligations de sécurité, de notification et d'analyse d'impact ;",
            "notifier au client toute violation de données dans les 48 heures après en avoir "
            "pris connaissance ;",
            "au terme du contrat, au choix du client, restituer toutes les données et en "
            "supprimer les copies, ou les détruire, et le lui confirmer par écrit ;",
            "mettre à la disposition du client les informations nécessaires pour démontrer "
            "le respect de ces obligations et permettre des audits, y compris des "
            "inspections, par le client ou un auditeur qu'il mandate.",
        ]
    )
    w.heading("6. Obligations du client")
    w.paragraph(
        "Le client fournit les données et des instructions écrites, veille au respect du "
        "RGPD de son côté (information des personnes, base légale) et supervise le "
        "traitement."
    )


def render(facts: dict[str, Any], created_at: datetime) -> bytes:
    business, secretary, mission = facts["business"], facts["secretary"], facts["mission"]
    title = f"Contrat de prestation de services — {mission['title']}"
    w = Writer(title, facts["platform"], created_at)
    w.title("Contrat de prestation de services")
    w.paragraph(
        f"Référence {facts['reference']} · version {facts['version']} · établi le "
        f"{_date(facts['written_on'])} par {facts['platform']}, plateforme de mise en relation.",
        8.5,
    )
    w.heading("Entre les parties")
    w.facts(_party(business, "Le client"))
    w.facts(_party(secretary, "La prestataire"))

    w.heading("Article 1 — Objet et tâches")
    w.paragraph(
        f"Le client confie à la prestataire, qui l'accepte, la mission « {mission['title']} » "
        f"(domaine : {mission['specialty']}). Tâches confiées :"
    )
    w.paragraph(mission["description"])
    if mission["skills"]:
        w.paragraph("Compétences mobilisées : " + ", ".join(mission["skills"]) + ".")

    w.heading("Article 2 — Prix")
    _price(facts, w)

    w.heading("Article 3 — Calendrier")
    _schedule(facts, w)

    w.heading("Article 4 — Paiement par séquestre")
    w.paragraph(
        "Le client verse le prix (pour le travail régulier : chaque période, avant qu'elle "
        f"commence) sur le compte de séquestre tenu par {facts['platform']} auprès de son "
        "prestataire de paiement. Les fonds sont versés à la prestataire lorsque le client "
        "valide le travail livré ou le relevé d'heures, ou d'eux-mêmes passé le délai de "
        "validation ; ce qui n'a pas été utilisé est remboursé au client. La plateforme "
        f"retient sa commission ({facts['price']['commission_basis_points'] / 100:g} %) "
        "sur le montant versé à la prestataire. Les factures sont émises au nom de la "
        "prestataire en vertu de son mandat de facturation."
    )

    w.heading("Article 5 — Durée et résiliation")
    if facts["kind"] == "recurring":
        w.paragraph(
            "Le contrat est conclu pour une durée indéterminée. Chaque partie peut y mettre "
            f"fin à tout moment en respectant un préavis de {facts['notice_days']} jours ; la "
            "dernière période est réduite au prorata. Aucune période n'est payée au-delà."
        )
    else:
        w.paragraph(
            "Le contrat prend fin avec la réalisation de la mission. Avant le paiement, "
            "chaque partie peut l'annuler ; après, un désaccord est tranché par la "
            "procédure de litige de la plateforme."
        )

    w.heading("Article 6 — Indépendance de la prestataire")
    w.paragraph(
        "La prestataire exerce en toute indépendance, en qualité d'entrepreneur individuel. "
        "Il n'existe entre les parties aucun lien de subordination : elle organise "
        "librement son travail, ses horaires (dans le respect des créneaux convenus) et ses "
        "moyens, travaille avec ses propres outils et reste libre d'avoir d'autres clients. "
        "Le client ne lui donne pas d'ordres ni de directives sur la manière d'exécuter la "
        "mission et n'exerce aucun pouvoir disciplinaire. Elle peut refuser une demande "
        "urgente ou sortant du périmètre convenu, sans avoir à s'en justifier ; acceptée, "
        "une demande urgente est facturée avec la majoration prévue."
    )

    w.heading("Article 7 — Confidentialité")
    w.paragraph(
        "La prestataire garde strictement confidentiels les informations, documents et "
        "données dont elle a connaissance à l'occasion de la mission, pendant le contrat et "
        "cinq ans après sa fin. Elle ne les utilise que pour la mission, ne les communique à "
        "aucun tiers et les restitue ou les détruit à la fin du contrat. Cette obligation ne "
        "couvre pas ce qui est public ou que la loi oblige à divulguer."
        + (
            " Elle s'ajoute à l'accord de confidentialité accepté avant le devis."
            if facts["confidential"]
            else ""
        )
    )

    w.heading("Article 8 — Données personnelles")
    if facts["personal_data"]:
        w.paragraph(
            "La mission implique le traitement de données personnelles pour le compte du "
            "client : l'annexe ci-après, conforme à l'article 28 du RGPD, en fixe les "
            "conditions et fait partie du contrat."
        )
    else:
        w.paragraph(
            "La mission n'implique pas de traitement de données personnelles pour le compte "
            "du client. Si cela change, les parties concluront l'annexe prévue par "
            "l'article 28 du RGPD avant tout traitement."
        )

    w.heading("Article 9 — Acceptation")
    w.paragraph(
        "Chaque partie accepte ce contrat sur la plateforme : le client en acceptant le "
        "devis, la prestataire en acceptant ce document. La plateforme enregistre le nom de "
        "chacune, la date et l'heure et l'empreinte SHA-256 du document accepté ; ces "
        "acceptations sont listées en dernière page du document téléchargé."
    )
    if facts["personal_data"]:
        _annex(facts, w)
    return w.output()


def with_acceptances(agreement: ContractAgreement) -> bytes:
    w = Writer("Acceptations", agreement.facts["platform"], agreement.created_at)
    w.title("Acceptations enregistrées")
    w.paragraph(
        f"Document : contrat de prestation de services, version {agreement.version}, "
        f"référence {agreement.contract_id}."
    )
    w.paragraph(f"Empreinte SHA-256 du document (pages précédentes) : {agreement.sha256}", 8.5)
    if not agreement.acceptances:
        w.paragraph("Aucune acceptation enregistrée pour l'instant.")
    for acceptance in agreement.acceptances:
        when = format_datetime(
            acceptance.accepted_at.astimezone(PARIS), "d MMMM y 'à' HH:mm:ss", locale="fr_FR"
        )
        w.facts(
            [
                (_ROLE.get(acceptance.role, acceptance.role), acceptance.name),
                ("Accepté le", f"{when} (heure de Paris)"),
                ("SHA-256 accepté", acceptance.sha256),
            ]
        )
    if not any(a.role == "secretary" for a in agreement.acceptances):
        w.paragraph("La prestataire n'a pas encore accepté ce contrat.")
    return with_pages(agreement.pdf, w.output())
