"""DAC7 (directive 2021/514, CGI art. 1649 ter A to E): what the platform reports each year
of the secretaries it paid, and the statement each of them gets.

What is collected (`TaxProfile`, the minimum the directive lists for an individual
seller): legal name, main address, date of birth or SIREN, tax identification number
(TIN: the French numéro fiscal, 13 digits), the IBAN her payouts go to. It is shown to
her masked (`mask_iban`) and reported in full.

What is counted, from the ledger only (`Account.SECRETARY` and `Account.PLATFORM` legs of
her contracts' releases and dispute resolutions), per calendar quarter in Paris time:
- consideration: what was paid or credited to her, net of the platform's commission
  (the directive's "Consideration" is net of the fees the operator withholds);
- fees: the commissions withheld (the platform's legs);
- activities: the number of releases and resolutions that paid her;
- a refund after release (ledger `credit`, with its credit notes) is taken off: what she
  gave back off the consideration, the commission given back off the fees, in the quarter
  of the refund (the directive counts consideration "paid or credited": money she gave
  back was in the end not paid to her); it is not an activity.

`statement(secretary_id, year)` is her yearly statement (`GET /me/tax-statements`);
`report(year)` is every secretary paid that year, written as CSV (`report_csv`) and as
the OECD DPI XML the DGFiP takes (`report_xml`, README "DAC7" says what a filing still
needs).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from lxml import etree

from marketplace.accounts.models import Role, User
from marketplace.contracts.models import Contract
from marketplace.dac7.models import TaxProfile
from marketplace.db import utcnow
from marketplace.errors import FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.payments.models import Account, LedgerEntry, LedgerKind
from marketplace.urls import path_for
from marketplace.validation import luhn_ok

PARIS = ZoneInfo("Europe/Paris")
PAYING_KINDS = (LedgerKind.RELEASE, LedgerKind.RESOLUTION)
# A refund after release (`credit`): what she gives back is taken off the consideration,
# and the commission the platform gives back off the fees, in the quarter it happens.
COUNTED_KINDS = (*PAYING_KINDS, LedgerKind.CREDIT)
DPI = "urn:oecd:ties:dpi:v1"
STF = "urn:oecd:ties:dpistf:v1"


# --- what she gives ---------------------------------------------------------------------


def normalise_iban(raw: str) -> str:
    return re.sub(r"\s+", "", raw or "").upper()


def iban_ok(iban: str) -> bool:
    """ISO 13616: country, 2 check digits, up to 30 characters; mod 97 of the rearranged
    number is 1."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def mask_iban(iban: str) -> str:
    """FR76 •••• 0189: the country, the key and the last four characters."""
    return f"{iban[:4]} •••• {iban[-4:]}"


def _check(data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.get("birth_date") and not data.get("siren"):
        message = _("Indiquez votre date de naissance ou votre SIREN.")
        errors["birth_date"] = errors["siren"] = [message]
    siren = data.get("siren")
    if siren and not (len(siren) == 9 and siren.isdigit() and luhn_ok(siren)):
        errors["siren"] = [_("Un SIREN compte 9 chiffres, clé de contrôle comprise.")]
    birth = data.get("birth_date")
    if birth and not (date(1900, 1, 1) <= birth <= date.today()):
        errors["birth_date"] = [_("Cette date de naissance n'est pas possible.")]
    tin = data["tin"]
    if data.get("country", "FR") == "FR" and not re.fullmatch(r"[0-3]\d{12}", tin):
        errors["tin"] = [
            _(
                "Le numéro fiscal (en haut de votre avis d'impôt) compte 13 chiffres et "
                "commence par 0 à 3."
            )
        ]
    if not iban_ok(data["iban"]):
        errors["iban"] = [_("Cet IBAN n'est pas valide (vérifiez-le sur votre RIB).")]
    return errors


def tax_profile_of(user: User) -> TaxProfile | None:
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    return db.session.get(TaxProfile, user.id)


def save_tax_profile(user: User, data: dict[str, Any]) -> TaxProfile:
    """Create or replace her DAC7 information (422 naming each wrong field)."""
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    data = {**data, "iban": normalise_iban(data["iban"]), "tin": re.sub(r"\s+", "", data["tin"])}
    if data.get("siren"):
        data["siren"] = re.sub(r"\s+", "", data["siren"])
    errors = _check(data)
    if errors:
        raise FieldErrors(errors)
    profile = db.session.get(TaxProfile, user.id) or TaxProfile(user_id=user.id)
    profile.legal_name = data["legal_name"].strip()
    profile.street_line1 = data["street_address"].strip()
    profile.street_line2 = (data.get("street_address_line2") or "").strip()
    profile.postal_code = data["postal_code"].strip()
    profile.city = data["city"].strip()
    profile.country = data.get("country", "FR").upper()
    profile.birth_date = data.get("birth_date")
    profile.siren = data.get("siren") or None
    profile.tin = data["tin"]
    profile.iban = data["iban"]
    db.session.add(profile)
    db.session.commit()
    return profile


# --- what she was paid --------------------------------------------------------------------


@dataclass
class Quarter:
    quarter: int
    consideration_cents: int = 0
    fees_cents: int = 0
    activities: int = 0


@dataclass
class Statement:
    secretary_id: uuid.UUID
    year: int
    quarters: list[Quarter] = field(default_factory=lambda: [Quarter(q) for q in (1, 2, 3, 4)])
    display_name: str = ""
    tax_profile: TaxProfile | None = None
    # The year is over: nothing more can be counted in it.
    final: bool = False

    @property
    def consideration_cents(self) -> int:
        return sum(q.consideration_cents for q in self.quarters)

    @property
    def fees_cents(self) -> int:
        return sum(q.fees_cents for q in self.quarters)

    @property
    def activities(self) -> int:
        return sum(q.activities for q in self.quarters)


FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_year(year: int) -> int:
    """A year a statement or report can be about (404 otherwise)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound(_("Aucun versement cette année-là."))
    return year


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    check_year(year)
    start = datetime(year, 1, 1, tzinfo=PARIS).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=PARIS).astimezone(UTC)
    return start, end


def _legs(year: int, secretary_id: uuid.UUID | None = None) -> list[Any]:
    """(secretary, transaction, account, amount, time) of the paying legs of the year."""
    start, end = _year_bounds(year)
    query = (
        sa.select(
            Contract.secretary_id,
            LedgerEntry.kind,
            LedgerEntry.transaction_id,
            LedgerEntry.account,
            LedgerEntry.amount_cents,
            LedgerEntry.created_at,
        )
        .join(Contract, Contract.id == LedgerEntry.contract_id)
        .where(
            LedgerEntry.kind.in_(COUNTED_KINDS),
            LedgerEntry.account.in_((Account.SECRETARY, Account.PLATFORM)),
            LedgerEntry.created_at >= start,
            LedgerEntry.created_at < end,
        )
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    )
    if secretary_id is not None:
        query = query.where(Contract.secretary_id == secretary_id)
    return list(db.session.execute(query))


def _tally(year: int, secretary_id: uuid.UUID | None = None) -> dict[uuid.UUID, Statement]:
    final = year < utcnow().astimezone(PARIS).year
    statements: dict[uuid.UUID, Statement] = {}
    counted: set[uuid.UUID] = set()
    for seller, kind, transaction, account, amount, at in _legs(year, secretary_id):
        statement = statements.setdefault(seller, Statement(seller, year, final=final))
        quarter = statement.quarters[(at.astimezone(PARIS).month - 1) // 3]
        if account is Account.SECRETARY:
            quarter.consideration_cents += amount
            # A refund is no activity of its own: only what paid her is counted.
            if kind in PAYING_KINDS and transaction not in counted:
                counted.add(transaction)
                quarter.activities += 1
        else:
            quarter.fees_cents += amount
    return statements


def statement(secretary_id: uuid.UUID, year: int) -> Statement:
    found = _tally(year, secretary_id).get(secretary_id) or Statement(
        secretary_id, year, final=year < utcnow().astimezone(PARIS).year
    )
    found.tax_profile = db.session.get(TaxProfile, secretary_id)
    user = db.session.get(User, secretary_id)
    found.display_name = user.display_name if user else ""
    return found


def statement_years(user: User) -> list[int]:
    """The years in which the platform paid her, newest first."""
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    times = db.session.scalars(
        sa.select(LedgerEntry.created_at)
        .join(Contract, Contract.id == LedgerEntry.contract_id)
        .where(
            Contract.secretary_id == user.id,
            LedgerEntry.kind.in_(PAYING_KINDS),
            LedgerEntry.account == Account.SECRETARY,
        )
    )
    years = {at.astimezone(PARIS).year for at in times}
    return sorted((int(y) for y in years), reverse=True)


def own_statement(user: User, year: int) -> Statement:
    if year not in statement_years(user):
        raise NotFound(_("Aucun versement cette année-là."))
    return statement(user.id, year)


def report(year: int) -> list[Statement]:
    """Every secretary paid in `year`, with her DAC7 information (None if she gave none)."""
    statements = list(_tally(year).values())
    ids = [s.secretary_id for s in statements]
    profiles = (
        {
            p.user_id: p
            for p in db.session.scalars(sa.select(TaxProfile).where(TaxProfile.user_id.in_(ids)))
        }
        if ids
        else {}
    )
    users = (
        {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
        if ids
        else {}
    )
    for each in statements:
        each.tax_profile = profiles.get(each.secretary_id)
        each.display_name = users[each.secretary_id].display_name
    return sorted(statements, key=lambda s: (s.display_name, str(s.secretary_id)))


# --- the operator's files -------------------------------------------------------------------

CSV_COLUMNS = [
    "seller_id",
    "legal_name",
    "street",
    "postal_code",
    "city",
    "country",
    "birth_date",
    "siren",
    "tin",
    "iban",
    *(f"consideration_q{q}_cents" for q in (1, 2, 3, 4)),
    *(f"fees_q{q}_cents" for q in (1, 2, 3, 4)),
    *(f"activities_q{q}" for q in (1, 2, 3, 4)),
    "consideration_cents",
    "fees_cents",
    "activities",
    "information_complete",
]


def report_csv(year: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for each in report(year):
        p = each.tax_profile
        writer.writerow(
            [
                each.secretary_id,
                p.legal_name if p else each.display_name,
                " ".join(x for x in (p.street_line1, p.street_line2) if x) if p else "",
                p.postal_code if p else "",
                p.city if p else "",
                p.country if p else "",
                p.birth_date.isoformat() if p and p.birth_date else "",
                p.siren or "" if p else "",
                p.tin if p else "",
                p.iban if p else "",
                *(q.consideration_cents for q in each.quarters),
                *(q.fees_cents for q in each.quarters),
                *(q.activities for q in each.quarters),
                each.consideration_cents,
                each.fees_cents,
                each.activities,
                "yes" if p else "no",
            ]
        )
    return out.getvalue()


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}" if cents >= 0 else f"-{_amount(-cents)}"


def _el(parent: Any, ns: str, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _doc_spec(parent: Any, ref: str) -> None:
    spec = _el(parent, DPI, "DocSpec")
    _el(spec, STF, "DocTypeIndic", "OECD1")  # new data
    _el(spec, STF, "DocRefId", ref)


def _address(parent: Any, country: str, street: str, postal_code: str, city: str) -> None:
    address = _el(parent, DPI, "Address", legalAddressType="OECD301")  # residence or business
    _el(address, DPI, "CountryCode", country)
    fix = _el(address, DPI, "AddressFix")
    if street:
        _el(fix, DPI, "Street", street)
    if postal_code:
        _el(fix, DPI, "PostCode", postal_code)
    _el(fix, DPI, "City", city or "-")


def report_xml(year: int) -> bytes:
    """The year's report in the OECD DPI XML schema (version 1.0), French platform, every
    secretary as an individual seller of personal services. See the README for what a
    filing with the DGFiP still needs (its own identifiers and channel)."""
    settings = current_app.config["MARKETPLACE_SETTINGS"]
    now = utcnow()
    siren = (settings.platform_siret or "")[:9] or "NOTIN"
    message_ref = f"FR{year}{siren}{now.strftime('%Y%m%d%H%M%S')}"
    root = etree.Element(f"{{{DPI}}}DPI_OECD", nsmap={"dpi": DPI, "stf": STF}, version="1.0")
    spec = _el(root, DPI, "MessageSpec")
    _el(spec, DPI, "TransmittingCountry", "FR")
    _el(spec, DPI, "ReceivingCountry", "FR")
    _el(spec, DPI, "MessageType", "DPI")
    _el(spec, DPI, "MessageRefId", message_ref)
    _el(spec, DPI, "MessageTypeIndic", "DPI401")  # new information
    _el(spec, DPI, "ReportingPeriod", f"{year}-12-31")
    _el(spec, DPI, "Timestamp", now.strftime("%Y-%m-%dT%H:%M:%S"))
    body = _el(root, DPI, "DPIBody")
    operator = _el(body, DPI, "PlatformOperator")
    _el(operator, DPI, "ResCountryCode", "FR")
    _el(operator, DPI, "TIN", siren, issuedBy="FR")
    _el(operator, DPI, "Name", settings.platform_legal_name)
    lines = [part.strip() for part in settings.platform_address.split(",") if part.strip()]
    place = next(
        (re.fullmatch(r"(\d{5})\s+(.+)", x) for x in lines if re.fullmatch(r"\d{5}\s+.+", x)), None
    )
    _address(
        operator,
        "FR",
        lines[0] if lines else "",
        place.group(1) if place else "",
        place.group(2) if place else "",
    )
    _doc_spec(operator, f"{message_ref}-OP")
    for index, each in enumerate(report(year), start=1):
        p = each.tax_profile
        seller = _el(body, DPI, "ReportableSeller")
        identity = _el(seller, DPI, "Identity")
        individual = _el(_el(identity, DPI, "IndividualSeller"), DPI, "Standard")
        ind = _el(individual, DPI, "IndSellerID")
        _el(ind, DPI, "ResCountryCode", p.country if p else "FR")
        if p and p.tin:
            _el(ind, DPI, "TIN", p.tin, issuedBy=p.country)
        else:
            _el(ind, DPI, "TIN", unknown="true")
        legal = p.legal_name if p else each.display_name
        first, _sep, last = legal.partition(" ")
        name = _el(ind, DPI, "Name", nameType="OECD202")  # individual's name
        _el(name, DPI, "FirstName", first or legal)
        _el(name, DPI, "LastName", last or legal)
        if p:
            street = " ".join(x for x in (p.street_line1, p.street_line2) if x)
            _address(ind, p.country, street, p.postal_code, p.city)
        else:
            _address(ind, "FR", "", "", "")
        if p and p.birth_date:
            _el(_el(ind, DPI, "BirthInfo"), DPI, "BirthDate", p.birth_date.isoformat())
        if p:
            financial = _el(individual, DPI, "FinancialIdentifier")
            _el(financial, DPI, "Identifier", p.iban, AccountNumberType="IBAN")
        activities = _el(seller, DPI, "RelevantActivities")
        services = _el(activities, DPI, "PersonalServices")
        for tag, prefix, values in (
            ("Consideration", "ConsQ", [q.consideration_cents for q in each.quarters]),
            ("NumberOfActivities", "NumbQ", [q.activities for q in each.quarters]),
            ("Fees", "FeesQ", [q.fees_cents for q in each.quarters]),
            ("Taxes", "TaxQ", [0, 0, 0, 0]),
        ):
            holder = _el(services, DPI, tag)
            for number, value in enumerate(values, start=1):
                if tag == "NumberOfActivities":
                    _el(holder, DPI, f"{prefix}{number}", str(value))
                else:
                    _el(holder, DPI, f"{prefix}{number}", _amount(value), currCode="EUR")
        _doc_spec(seller, f"{message_ref}-{index:06d}")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# --- reminders and the yearly statement ---------------------------------------------------

# A secretary paid without her DAC7 information is reminded once a month until she gives it.
REMINDER_EVERY = "%Y-%m"


def _paid_secretaries(
    since: datetime | None = None, until: datetime | None = None
) -> list[uuid.UUID]:
    """The secretaries the platform has paid (in [since, until) when given)."""
    query = (
        sa.select(Contract.secretary_id)
        .join(LedgerEntry, LedgerEntry.contract_id == Contract.id)
        .where(
            LedgerEntry.kind.in_(PAYING_KINDS),
            LedgerEntry.account == Account.SECRETARY,
            LedgerEntry.amount_cents > 0,
        )
        .distinct()
    )
    if since is not None:
        query = query.where(LedgerEntry.created_at >= since)
    if until is not None:
        query = query.where(LedgerEntry.created_at < until)
    return list(db.session.scalars(query))


def information_missing(user: User) -> bool:
    """She has been paid and has not given her DAC7 information."""
    if user.role is not Role.SECRETARY or db.session.get(TaxProfile, user.id) is not None:
        return False
    return bool(statement_years(user))


@dataclass(frozen=True)
class ReminderRun:
    reminded: int
    statements: int


def remind(now: datetime | None = None) -> ReminderRun:
    """The daily DAC7 job (`dac7 remind`, beat 6:10 UTC):
    - each secretary paid without her tax information is told to give it (a
      `document_requested` notification, document `dac7`), once a calendar month until she
      does: the report needs it, and she is paid the same meanwhile;
    - in January, each secretary paid the year before is told that her yearly statement is
      ready (`tax_statement_ready`, once per year): art. 242 bis 2° and DAC7 want it sent by
      31 January; the statement is final from 1 January (the year is over).
    Safe to run again or twice at once: each notification has a dedupe key."""
    now = now or utcnow()
    local = now.astimezone(PARIS)
    missing = [
        seller for seller in _paid_secretaries() if db.session.get(TaxProfile, seller) is None
    ]
    for seller in missing:
        notify(
            seller,
            "document_requested",
            subject=("tax_profile", seller),
            url=path_for("web.tax_information_page"),
            params={"document": "dac7"},
            dedupe_key=f"dac7_missing:{seller}:{local.strftime(REMINDER_EVERY)}",
        )
    told = 0
    if local.month == 1:
        year = local.year - 1
        start, end = _year_bounds(year)
        for seller in _paid_secretaries(start, end):
            notify(
                seller,
                "tax_statement_ready",
                subject=("tax_statement", seller),
                url=path_for("web.tax_statement_page", year=year),
                params={"year": str(year)},
                dedupe_key=f"tax_statement:{seller}:{year}",
            )
            told += 1
    db.session.commit()
    return ReminderRun(len(missing), told)
