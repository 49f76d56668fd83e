"""Specialty and skill codes, with the labels users read (French first)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    fr: str
    en: str

    def label(self, locale: str) -> str:
        return self.en if locale.startswith("en") else self.fr


SPECIALTIES: tuple[Term, ...] = (
    Term("legal", "Juridique", "Legal"),
    Term("medical", "Médical", "Medical"),
    Term("insurance", "Assurances", "Insurance"),
    Term("industry", "Industrie", "Industry"),
    Term("general", "Secrétariat général", "General secretarial work"),
)

SKILLS: tuple[Term, ...] = (
    Term("mail_processing", "Traitement du courrier", "Mail processing"),
    Term("word_processing", "Traitement de texte (Word)", "Word processing"),
    Term("spreadsheets", "Tableurs (Excel)", "Spreadsheets (Excel)"),
    Term("presentations", "Présentations (PowerPoint)", "Presentations (PowerPoint)"),
    Term("desktop_publishing", "Mise en page (Publisher)", "Desktop publishing (Publisher)"),
    Term("phone_reception", "Accueil téléphonique", "Telephone reception"),
    Term("mail_merge", "Publipostage", "Mail merge"),
    Term("travel_planning", "Préparation de déplacements", "Travel planning"),
    Term("meeting_logistics", "Organisation de réunions", "Meeting logistics"),
    Term("telemarketing", "Télémarketing", "Telemarketing"),
    Term("appointment_booking", "Prise de rendez-vous", "Appointment booking"),
    Term("transcription", "Saisie et transcription", "Typing and transcription"),
    Term("medical_transcription", "Frappe de comptes rendus médicaux", "Medical transcription"),
    Term("legal_drafting", "Mise en forme d'actes juridiques", "Legal document formatting"),
    Term("billing", "Facturation et relances", "Invoicing and reminders"),
    Term("bookkeeping", "Pré-comptabilité", "Bookkeeping support"),
    Term("hr_admin", "Administration du personnel", "HR administration"),
    Term("customer_service", "Service client", "Customer service"),
)

LANGUAGES: tuple[Term, ...] = (
    Term("fr", "Français", "French"),
    Term("en", "Anglais", "English"),
    Term("es", "Espagnol", "Spanish"),
    Term("de", "Allemand", "German"),
    Term("it", "Italien", "Italian"),
    Term("pt", "Portugais", "Portuguese"),
    Term("ar", "Arabe", "Arabic"),
)

WEEKDAYS: tuple[Term, ...] = (
    Term("mon", "Lundi", "Monday"),
    Term("tue", "Mardi", "Tuesday"),
    Term("wed", "Mercredi", "Wednesday"),
    Term("thu", "Jeudi", "Thursday"),
    Term("fri", "Vendredi", "Friday"),
    Term("sat", "Samedi", "Saturday"),
    Term("sun", "Dimanche", "Sunday"),
)

SPECIALTY_CODES = tuple(t.code for t in SPECIALTIES)
SKILL_CODES = tuple(t.code for t in SKILLS)
LANGUAGE_CODES = tuple(t.code for t in LANGUAGES)
WEEKDAY_CODES = tuple(t.code for t in WEEKDAYS)

_BY_CODE = {t.code: t for t in (*SPECIALTIES, *SKILLS, *LANGUAGES, *WEEKDAYS)}


def label(code: str, locale: str = "fr") -> str:
    term = _BY_CODE.get(code)
    return term.label(locale) if term else code
