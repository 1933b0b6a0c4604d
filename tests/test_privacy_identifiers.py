"""Identifiers with structure, judged by the libraries made for them (no NLP model needed)."""

from __future__ import annotations

import pytest

from tracereader.privacy import recognizers
from tracereader.privacy.keys import identifying_type
from tracereader.privacy.protect import NO_KEEP


def entities(text: str) -> dict[str, set[str]]:
    """What the pattern detectors replace in `text`: value -> entity types."""
    out: dict[str, set[str]] = {}
    for s in recognizers.keep_only_personal(text, recognizers.pattern_spans(text), NO_KEEP):
        out.setdefault(text[s.start : s.end], set()).add(s.entity)
    return out


def replaced(text: str, value: str, entity: str | None = None) -> bool:
    """Whether every character of `value` in `text` is inside a detection (of `entity`)."""
    start = text.index(value)
    spans = recognizers.keep_only_personal(text, recognizers.pattern_spans(text), NO_KEEP)
    spans = [s for s in spans if entity is None or s.entity == entity]
    return all(any(s.start <= i < s.end for s in spans) for i in range(start, start + len(value)))


@pytest.mark.parametrize(
    "text, phone",
    [
        ("call me on +44 20 7946 0958 tonight", "+44 20 7946 0958"),
        ("<a href='tel:+14155550132'>call</a>", "+14155550132"),
        ("BEGIN:VCARD\nTEL;TYPE=CELL:+1 (212) 555-0147\nEND:VCARD", "+1 (212) 555-0147"),
        ("message me at https://wa.me/34612345678 please", "34612345678"),
        ("my mobile is 098765 43210", "098765 43210"),
        ("phone 9876543210", "9876543210"),
        ("ring 030 1234567 after 5", "030 1234567"),
        ("(212) 555-0199 is the shop", "(212) 555-0199"),
        ("06 12 34 56 78", "06 12 34 56 78"),
    ],
)
def test_phone_numbers_in_their_forms(text: str, phone: str) -> None:
    assert replaced(text, phone, "PHONE_NUMBER"), entities(text)


@pytest.mark.parametrize(
    "text",
    [
        "ISBN 978-0-306-40615-7 is a good read",
        "see ISBN 0306406152",
        "order 4829104821 shipped",
        "tracking number 1234567890",
        "build 2026.11.02 released",
        "placed 2026-11-02 at 14:03:11",
        "invoice #90210-4431",
    ],
)
def test_numbers_that_are_not_phones(text: str) -> None:
    assert not any("PHONE_NUMBER" in kinds for kinds in entities(text).values()), entities(text)


@pytest.mark.parametrize(
    "text, value, entity",
    [
        ("card 2221000000000009 please", "2221000000000009", "CREDIT_CARD"),
        ("amex 3782 822463 10005", "3782 822463 10005", "CREDIT_CARD"),
        ("visa 4111-1111-1111-1111", "4111-1111-1111-1111", "CREDIT_CARD"),
        ("IBAN DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00", "IBAN_CODE"),
        ("my ssn is 536228714", "536228714", "US_SSN"),
        ("SSN 536-22-8714", "536-22-8714", "US_SSN"),
        ("NI number: AB 12 34 56 C", "AB 12 34 56 C", "UK_NINO"),
        ("JG103759A is my NINO", "JG103759A", "UK_NINO"),
        ("passport no. 533380006", "533380006", "PASSPORT"),
        ("Passport Number: X1234567", "X1234567", "PASSPORT"),
        ("driver's licence no: MORGA753116SM9IJ", "MORGA753116SM9IJ", "DRIVER_LICENSE"),
        ("DL# D1234-56789-01234", "D1234-56789-01234", "DRIVER_LICENSE"),
        ("P<GBRSMITH<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<\n5333800060GBR8501011M2501017<<<<<<<<<<<<<<04",
         "P<GBRSMITH<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<", "PASSPORT"),
        ("CPF 123.456.789-09", "123.456.789-09", "NATIONAL_ID"),
        ("DNI 12345678Z", "12345678Z", "NATIONAL_ID"),
        ("born 03/12/1985 in Leeds", "03/12/1985", "DATE_OF_BIRTH"),
        ("Date of birth: 12 March 1985", "12 March 1985", "DATE_OF_BIRTH"),
        ("geboren am 12.03.1985", "12.03.1985", "DATE_OF_BIRTH"),
        ("birthDate: 1985-03-12", "1985-03-12", "DATE_OF_BIRTH"),
        ("birth_date=1985-03-12", "1985-03-12", "DATE_OF_BIRTH"),
        ("email jane dot doe at example dot com", "jane dot doe at example dot com", None),
        ("write to jane.doe [at] example [dot] org", "jane.doe [at] example [dot] org", None),
        ("from 192.168.10.24.", "192.168.10.24", "IP_ADDRESS"),
        ("from fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a", "IP_ADDRESS"),
    ],
)  # fmt: skip
def test_structured_identifiers(text: str, value: str, entity: str | None) -> None:
    assert replaced(text, value, entity), entities(text)


@pytest.mark.parametrize(
    "text, value",
    [
        ("I live at 221b baker street, london", "221b baker street, london"),
        ("12 rue de la Paix, 75002 Paris", "12 rue de la Paix, 75002 Paris"),
        ("Calle de Alcalá 42, 28014 Madrid", "Calle de Alcalá 42, 28014 Madrid"),
        ("Hauptstraße 96, München 80331, DE", "Hauptstraße 96, München 80331, DE"),
        ("ship it to Kerkstraat 12, 1017 GL Amsterdam", "Kerkstraat 12, 1017 GL Amsterdam"),
        ("via Roma 10, 00184 Roma", "via Roma 10, 00184 Roma"),
        ("ul. Marszałkowska 12/4, 00-590 Warszawa", "ul. Marszałkowska 12/4, 00-590 Warszawa"),
        ("4780 N Lombard St, Asheville NC 28801, US", "4780 N Lombard St, Asheville NC 28801, US"),
        ("postcode SW1A 1AA", "SW1A 1AA"),
        ("my plz is 10115", "10115"),
        ("zip code: 94105", "94105"),
    ],
)
def test_addresses_and_postcodes(text: str, value: str) -> None:
    assert replaced(text, value), entities(text)


def test_a_quantity_is_no_address() -> None:
    assert entities("We offer 2 way shipping and 3 park passes; 10 items in stock.") == {}


@pytest.mark.parametrize(
    "key, entity",
    [
        ("birthDate", "DATE_OF_BIRTH"),
        ("birth_date", "DATE_OF_BIRTH"),
        ("dateOfBirth", "DATE_OF_BIRTH"),
        ("born", "DATE_OF_BIRTH"),
        ("postal_code", "POSTCODE"),
        ("plz", "POSTCODE"),
        ("zipCode", "POSTCODE"),
        ("dl_number", "DRIVER_LICENSE"),
        ("driversLicense", "DRIVER_LICENSE"),
        ("passport_no", "PASSPORT"),
        ("social_security_number", "US_SSN"),
        ("ni_number", "UK_NINO"),
        ("customerEmail", "EMAIL_ADDRESS"),
        ("NAME ON CARD", "PERSON"),
        ("Reporter", "PERSON"),
        ("shipping_address", "ADDRESS"),
        ("api_key", "SECRET"),
    ],
)
def test_identifying_keys_are_matched_by_their_words(key: str, entity: str) -> None:
    assert identifying_type(key) == entity


@pytest.mark.parametrize(
    "key",
    ["app_version", "user_agent", "card_type", "max_cap", "email_template", "birth_country",
     "order_id", "tracking_number", "locale", "dl_speed"],
)  # fmt: skip
def test_descriptive_keys_identify_no_one(key: str) -> None:
    assert identifying_type(key) is None


@pytest.mark.parametrize(
    "text, value, entity",
    [
        ("Name: Maria Gonzalez\nEmail: maria@example.com", "Maria Gonzalez", "PERSON"),
        ("Reporter: Jane Doe Assignee: John Smith", "John Smith", "PERSON"),
        ("Reporter: Jane Doe | Assignee: John Smith", "Jane Doe", "PERSON"),
        ("NAME ON CARD: JOHN SMITH", "JOHN SMITH", "PERSON"),
        ("SHIP TO:\nMARIA GONZALEZ\n12 HIGH ST\nLEEDS LS1 4AP", "MARIA GONZALEZ", "PERSON"),
        ("SHIP TO:\nMARIA GONZALEZ\n12 HIGH ST\nLEEDS LS1 4AP", "LEEDS LS1 4AP", None),
        ("BEGIN:VCARD\nN:Gonzalez;Maria;;;\nFN:Maria Gonzalez\nEND:VCARD", "Gonzalez;Maria", None),
        ("BEGIN:VCARD\nBDAY:1985-03-12\nEND:VCARD", "1985-03-12", "DATE_OF_BIRTH"),
        ("id,name,email\n1,Ana Souza,ana@example.com\n2,Li Wei,li@example.org", "Li Wei", "PERSON"),
        ("| name | phone |\n|---|---|\n| Ana Souza | +55 11 91234 5678 |", "Ana Souza", "PERSON"),
        ("user=jdoe42 ip=10.1.2.3 action=login", "jdoe42", "ID"),
        ("{'email': 'ana@example.com', 'plz': '10115'}", "10115", "POSTCODE"),
    ],
)  # fmt: skip
def test_labelled_fields(text: str, value: str, entity: str | None) -> None:
    assert replaced(text, value, entity), entities(text)


def test_a_sentence_after_a_label_is_not_an_id() -> None:
    assert entities("Customer: I want a refund for the broken zip") == {}
