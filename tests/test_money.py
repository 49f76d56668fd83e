"""marketplace.money: the one way euros are read from people and written for them."""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.money import Style, euros, parse_euros

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("28,50", 2850),
        ("28.50", 2850),
        ("28", 2800),
        ("28,5", 2850),
        ("0,01", 1),
        ("1 234,50", 123450),
        (f"1{NNBSP}234,50{NBSP}€", 123450),
        ("1 234,50 €", 123450),
        ("1.234,50", 123450),
        ("1,234.50", 123450),
        ("2.345.678,00", 234567800),
        ("€ 12", 1200),
        ("  30 ", 3000),
        ("10000000", 1_000_000_000),
    ],
)
def test_amounts_typed_in_euros_become_cents(app: Flask, typed: str, cents: int) -> None:
    with app.test_request_context():
        assert parse_euros(typed) == cents


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Indiquez un montant."),
        ("   ", "Indiquez un montant."),
        ("-5", "Le montant doit être positif."),
        ("- 5,00 €", "Le montant doit être positif."),
        ("1.234", "Deux décimales au plus (par exemple 28,50)."),
        ("1,234", "Deux décimales au plus (par exemple 28,50)."),
        ("28,505", "Deux décimales au plus (par exemple 28,50)."),
        ("abc", "Montant illisible : écrivez par exemple 28,50."),
        ("1e3", "Montant illisible : écrivez par exemple 28,50."),
        ("12..5", "Montant illisible : écrivez par exemple 28,50."),
        ("12,3,4", "Montant illisible : écrivez par exemple 28,50."),
        ("1,23.4,5", "Montant illisible : écrivez par exemple 1234,50."),
        ("12.34,5.6", "Montant illisible : écrivez par exemple 1234,50."),
        ("1,23.45", "Montant illisible : écrivez par exemple 1234,50."),
        ("10000000,01", "Montant trop élevé."),
        ("99999999999", "Montant trop élevé."),
    ],
)
def test_unreadable_ambiguous_or_negative_amounts_are_refused(
    app: Flask, typed: str, message: str
) -> None:
    with app.test_request_context(), pytest.raises(ValueError) as refused:
        parse_euros(typed)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount."),
        ("1.234", "Two decimals at most (for example 28.50)."),
        ("-5", "The amount must be positive."),
    ],
)
def test_refusals_speak_the_visitor_s_language(app: Flask, typed: str, message: str) -> None:
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(ValueError) as refused,
    ):
        parse_euros(typed)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("cents", "locale", "style", "shown"),
    [
        (123450, "fr", "amount", f"1{NNBSP}234,50{NBSP}€"),
        (123450, "en", "amount", "€1,234.50"),
        (3000, "fr", "amount", f"30,00{NBSP}€"),
        (3000, "en", "amount", "€30.00"),
        (1, "fr", "amount", f"0,01{NBSP}€"),
        (-500, "fr", "amount", f"-5,00{NBSP}€"),
        (-500, "en", "amount", "-€5.00"),
        (123450, "fr_FR", "amount", f"1{NNBSP}234,50{NBSP}€"),
        (123450, "en_GB", "amount", "€1,234.50"),
        (3000, "fr", "short", f"30{NBSP}€"),
        (3000, "en", "short", "€30"),
        (123400, "fr", "short", f"1{NNBSP}234{NBSP}€"),
        (123400, "en", "short", "€1,234"),
        (2850, "fr", "short", f"28,50{NBSP}€"),
        (2850, "en", "short", "€28.50"),
        (2850, "fr", "input", "28,50"),
        (2850, "en", "input", "28.50"),
        (123450, "fr", "input", "1234,50"),
        (5, "fr", "input", "0,05"),
        (-150, "fr", "input", "-1,50"),
        (None, "fr", "amount", ""),
        (None, "en", "input", ""),
    ],
)
def test_cents_are_written_the_french_or_the_english_way(
    cents: int | None, locale: str, style: Style, shown: str
) -> None:
    assert euros(cents, locale, style) == shown


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("cents", [1, 5, 2850, 123450, 1_000_000_000])
def test_what_an_amount_field_shows_reads_back_as_the_same_cents(
    app: Flask, locale: str, cents: int
) -> None:
    with app.test_request_context():
        assert parse_euros(euros(cents, locale, "input")) == cents
        assert parse_euros(euros(cents, locale)) == cents


def test_french_is_the_default_and_the_pdf_text_keeps_every_character() -> None:
    from marketplace.payments.invoices import _text

    assert euros(123450) == f"1{NNBSP}234,50{NBSP}€"
    # The invoices' core fonts have no narrow no-break space: _text makes it a no-break one.
    assert _text(euros(123450)) == f"1{NBSP}234,50{NBSP}€"
