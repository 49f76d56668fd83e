"""Factur-X: the CII XML (profile EN 16931) of an issued invoice, and the PDF/A-3 carrying it.

How a Factur-X invoice is made here:
- The XML is built by `cii_xml` with lxml from the invoice's stored data only (the
  `data` dict written when it was issued), never from live rows, so the XML says what
  the PDF says, forever.
- The visible PDF is drawn by fpdf2 in its PDF/A-3B mode (`enforce_compliance`): it
  embeds the fonts (DejaVu Sans, shipped in `fonts/`: PDF/A forbids the unembedded core
  fonts), adds the sRGB output intent and refuses anything PDF/A forbids. fpdf2 could
  attach a file too, but Factur-X needs more than an attachment (the Factur-X XMP
  extension schema, `/AF` with `AFRelationship /Data`, the file named `factur-x.xml`).
- `factur-x` (Akretion, the reference implementation) then embeds the XML into that
  PDF/A-3 base, checks it against the Factur-X XSD, and writes the Factur-X XMP
  metadata. It needs a PDF/A-3 base: it does not convert a plain PDF. Its XMP is then
  rewritten in the canonical form older veraPDF versions can parse
  (`_xmp_in_canonical_form`), same content.
- The result is checked in the tests by Mustangproject's validator (PDF/A-3, XSD,
  EN 16931 schematron): tests/payments/test_facturx.py.

What the XML says (BT = EN 16931 business term):
- A credit note (avoir, `data["corrects"]` set) is typed 261 (self-billed credit note) when
  the platform issues it in the secretary's name, 381 for the platform's own; it names the
  invoice it corrects, number and date (BT-25/26, `InvoiceReferencedDocument`), with
  positive amounts like the invoice (the type says it is a credit).
- Type 389 (self-billed invoice) for the secretary's invoice, which the platform issues
  in her name under a billing mandate (CGI art. 289 I-2), with the note
  "Autofacturation"; 380 for the platform's own commission invoice.
- Seller and buyer: name, SIREN (BT-30, scheme 0002) and SIRET (BT-29, scheme 0009)
  when known, postal code, city and country (no street address is stored yet), the
  platform's VAT number (BT-31) when configured. A seller under the franchise has no
  VAT number, yet EN 16931 wants one or a tax registration on an exempt invoice
  (BR-E-02): her SIREN is given as that registration (BT-32, scheme FC).
- One line per stored line: quantity (hours, unit HUR, for hourly work; 1 otherwise),
  net unit price, the line total excluding tax, the service as the item.
- VAT: category S at 20 %, or E (exempt) with the franchise mention "TVA non applicable,
  art. 293 B du CGI" (BT-120) and the code VATEX-FR-FRANCHISE (BT-121).
- The period of service (BT-73/74: funding to delivery), the payment terms (BT-20:
  paid into escrow on the funding date), the notes of the French mentions (late-payment
  penalties, the 40 € indemnity: subject codes PMD, PMT, AAB).
- The invoice is paid when issued (escrow): prepaid amount = total, amount due 0.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import facturx
from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.generic import StreamObject

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EN16931 = "urn:cen.eu:en16931:2017"
SELF_BILLED = "389"
COMMERCIAL_INVOICE = "380"
# Credit notes (UNTDID 1001): the platform's own (381) and the one it issues in the
# secretary's name under her mandate, self-billed like her invoice (261).
CREDIT_NOTE = "381"
SELF_BILLED_CREDIT_NOTE = "261"
FRANCHISE_CODE = "VATEX-FR-FRANCHISE"
XML_FILENAME = "factur-x.xml"


class NoEmbeddedXml(Exception):
    """The stored PDF carries no Factur-X XML (an invoice issued before Factur-X)."""


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _amount(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _date(parent: etree._Element, tag: str, iso: str) -> None:
    holder = _el(parent, tag)
    _el(holder, "udt:DateTimeString", date.fromisoformat(iso).strftime("%Y%m%d"), format="102")


def _party(
    parent: etree._Element, tag: str, who: dict[str, Any], *, tax_registration: bool = False
) -> None:
    party = _el(parent, tag)
    siret = who.get("siret")
    if siret:
        _el(party, "ram:GlobalID", siret, schemeID="0009")
    _el(party, "ram:Name", who["name"])
    if siret:
        _el(_el(party, "ram:SpecifiedLegalOrganization"), "ram:ID", siret[:9], schemeID="0002")
    if who.get("contact") and who["contact"] != who["name"]:
        _el(_el(party, "ram:DefinedTradeContact"), "ram:PersonName", who["contact"])
    address = _el(party, "ram:PostalTradeAddress")
    if who.get("postal_code"):
        _el(address, "ram:PostcodeCode", who["postal_code"])
    if who.get("street_lines"):
        for tag_name, line in zip(
            ("ram:LineOne", "ram:LineTwo", "ram:LineThree"), who["street_lines"], strict=False
        ):
            _el(address, tag_name, line)
    if who.get("city"):
        _el(address, "ram:CityName", who["city"])
    _el(address, "ram:CountryID", who.get("country") or "FR")
    if who.get("vat_number"):
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", who["vat_number"], schemeID="VA")
    elif tax_registration and siret:
        # BR-E-02: an exempt invoice names the seller's VAT number or its tax registration;
        # a secretary under the franchise has no VAT number: her SIREN, under which the tax
        # administration knows her business, as BT-32 (scheme FC).
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", siret[:9], schemeID="FC")


def _tax(parent: etree._Element, data: dict[str, Any], *, header: bool) -> None:
    tax = _el(parent, "ram:ApplicableTradeTax")
    if header:
        _el(tax, "ram:CalculatedAmount", _amount(data["vat_cents"]))
    _el(tax, "ram:TypeCode", "VAT")
    exempt = bool(data["vat_mention"])
    if header and exempt:
        _el(tax, "ram:ExemptionReason", data["vat_mention"])
    if header:
        _el(tax, "ram:BasisAmount", _amount(data["total_excl_tax_cents"]))
    _el(tax, "ram:CategoryCode", "E" if exempt else "S")
    if header and exempt:
        _el(tax, "ram:ExemptionReasonCode", FRANCHISE_CODE)
    _el(tax, "ram:RateApplicablePercent", str(0 if exempt else data["vat_rate_percent"]))


def type_code(data: dict[str, Any]) -> str:
    """BT-3: 389 / 380 for an invoice, 261 / 381 for a credit note (self-billed or not)."""
    if data.get("corrects"):
        return SELF_BILLED_CREDIT_NOTE if data.get("self_billed") else CREDIT_NOTE
    return SELF_BILLED if data.get("self_billed") else COMMERCIAL_INVOICE


def document_word(data: dict[str, Any]) -> str:
    return "Avoir" if data.get("corrects") else "Facture"


def cii_xml(data: dict[str, Any]) -> bytes:
    """The invoice's Cross Industry Invoice XML (Factur-X profile EN 16931)."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)

    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", data["number"])
    _el(document, "ram:TypeCode", type_code(data))
    _date(document, "ram:IssueDateTime", data["issued_on"])
    notes: list[tuple[str | None, str]] = []
    if data.get("self_billed"):
        notes.append((None, data.get("self_billed_mention") or "Autofacturation"))
    if data["vat_mention"]:
        notes.append(("TXD", data["vat_mention"]))
    notes += [(code, text) for code, text in data.get("coded_mentions", [])]
    for code, text in notes:
        note = _el(document, "ram:IncludedNote")
        _el(note, "ram:Content", text)
        if code:
            _el(note, "ram:SubjectCode", code)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(data["lines"], start=1):
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
        product = _el(item, "ram:SpecifiedTradeProduct")
        _el(product, "ram:Name", line["description"])
        if line.get("detail"):
            _el(product, "ram:Description", line["detail"])
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        price = _el(agreement, "ram:NetPriceProductTradePrice")
        _el(
            price,
            "ram:ChargeAmount",
            line.get("unit_price") or _amount(line["amount_excl_tax_cents"]),
        )
        delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
        _el(
            delivery,
            "ram:BilledQuantity",
            line.get("quantity") or "1",
            unitCode=line.get("unit") or "C62",
        )
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        _tax(settlement, data, header=False)
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(line["amount_excl_tax_cents"]))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _el(agreement, "ram:BuyerReference", data["contract_id"])
    _party(
        agreement,
        "ram:SellerTradeParty",
        data["issuer"],
        tax_registration=bool(data["vat_mention"]),
    )
    _party(agreement, "ram:BuyerTradeParty", data["recipient"])

    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    period = data.get("period") or {}
    if period.get("end"):
        event = _el(delivery, "ram:ActualDeliverySupplyChainEvent")
        _date(event, "ram:OccurrenceDateTime", period["end"])

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", data["currency"])
    _tax(settlement, data, header=True)
    if period.get("start") and period.get("end"):
        billing = _el(settlement, "ram:BillingSpecifiedPeriod")
        _date(billing, "ram:StartDateTime", period["start"])
        _date(billing, "ram:EndDateTime", period["end"])
    terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    _el(terms, "ram:Description", data["payment"])
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(data["total_excl_tax_cents"]))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(data["total_excl_tax_cents"]))
    _el(totals, "ram:TaxTotalAmount", _amount(data["vat_cents"]), currencyID=data["currency"])
    _el(totals, "ram:GrandTotalAmount", _amount(data["total_cents"]))
    _el(totals, "ram:TotalPrepaidAmount", _amount(data["total_cents"]))
    _el(totals, "ram:DuePayableAmount", _amount(0))
    corrected = data.get("corrects")
    if corrected:
        # BT-25/BT-26: the invoice this credit note corrects, its number and date.
        referenced = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(referenced, "ram:IssuerAssignedID", corrected["number"])
        issued = _el(referenced, "ram:FormattedIssueDateTime")
        _el(
            issued,
            "qdt:DateTimeString",
            date.fromisoformat(corrected["issued_on"]).strftime("%Y%m%d"),
            format="102",
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def embed(pdf_a3: bytes, xml: bytes, data: dict[str, Any]) -> bytes:
    """The PDF/A-3 `pdf_a3` with `xml` embedded as `factur-x.xml`: a Factur-X invoice."""
    made = facturx.generate_from_binary(
        pdf_a3,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": data["issuer"]["name"],
            "keywords": "Factur-X, facture",
            "title": f"{document_word(data)} {data['number']}",
            "subject": f"{document_word(data)} {data['number']} de {data['issuer']['name']}",
        },
        lang="fr-FR",
    )
    return _xmp_in_canonical_form(bytes(made))


def _xmp_in_canonical_form(pdf: bytes) -> bytes:
    """The same XMP metadata, with the rdf namespace declared on rdf:RDF itself and
    `rdf:about=""` on each rdf:Description, as the XMP specification's examples write it.

    factur-x declares every namespace once on x:xmpmeta and leaves rdf:about out: valid
    RDF, but veraPDF before 1.28.2 (the one inside Mustang's validator 2.16.2, and many
    readers of that age) then fails to parse it and judges the file as if it had no PDF/A
    identification (veraPDF issue 1528)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    metadata = writer.root_object["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)  # factur-x has just written it
    xmp = metadata.get_data()
    fixed = xmp.replace(b"<rdf:RDF>", f'<rdf:RDF xmlns:rdf="{RDF}">'.encode(), 1).replace(
        b"<rdf:Description>", b'<rdf:Description rdf:about="">'
    )
    metadata.set_data(fixed)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def embedded_xml(pdf: bytes) -> bytes:
    """The Factur-X XML carried by a stored invoice PDF."""
    try:
        name, xml = facturx.get_facturx_xml_from_pdf(pdf, check_xsd=False)
    except Exception as exc:  # pypdf's errors on a PDF it cannot read
        raise NoEmbeddedXml(str(exc)) from exc
    if not xml or name != XML_FILENAME:
        raise NoEmbeddedXml("no factur-x.xml in this PDF")
    return bytes(xml)
