"""Which keys identify a person: matched by their words (`birthDate`, `postal_code`, `dl_number`).

The same rules serve JSON keys, `Label: value` lines, CSV headers, vCard properties and URL
query parameters, so `customer email`, `customerEmail`, `CUSTOMER-EMAIL` and `email` all mean
an email address. A value under such a key is replaced whatever it looks like.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from tracereader.privacy.spans import word_list

NAME_FIELD = "NAME_FIELD"  # a bare `name` key: a person's name, or a tool's, a product's…
KEY = "KEY"  # a JSON key: only structured identifiers are replaced in it, never names
# Sibling keys that make a bare `name` in the same object a person's name.
PERSON_SIBLINGS = frozenset(
    (
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "ADDRESS",
        "POSTCODE",
        "PERSON",
        "US_SSN",
        "DATE_OF_BIRTH",
        "PASSPORT",
        "DRIVER_LICENSE",
        "NATIONAL_ID",
    )
)

# One word (or the key's words joined) -> the entity its value is.
_WORD_TYPES: dict[str, str] = {
    "email": "EMAIL_ADDRESS",
    "mail": "EMAIL_ADDRESS",
    "emailaddress": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "mobile": "PHONE_NUMBER",
    "cell": "PHONE_NUMBER",
    "tel": "PHONE_NUMBER",
    "telephone": "PHONE_NUMBER",
    "telefon": "PHONE_NUMBER",
    "telefono": "PHONE_NUMBER",
    "fax": "PHONE_NUMBER",
    "msisdn": "PHONE_NUMBER",
    "whatsapp": "PHONE_NUMBER",
    "ip": "IP_ADDRESS",
    "ssn": "US_SSN",
    "socialsecuritynumber": "US_SSN",
    "socialsecurity": "US_SSN",
    "nino": "UK_NINO",
    "nin": "UK_NINO",
    "ni": "UK_NINO",
    "nationalinsurance": "UK_NINO",
    "nationalinsurancenumber": "UK_NINO",
    "nationalid": "NATIONAL_ID",
    "taxid": "NATIONAL_ID",
    "tin": "NATIONAL_ID",
    "personnummer": "NATIONAL_ID",
    "bsn": "NATIONAL_ID",
    "cpf": "NATIONAL_ID",
    "pesel": "NATIONAL_ID",
    "dni": "NATIONAL_ID",
    "nie": "NATIONAL_ID",
    "nif": "NATIONAL_ID",
    "aadhaar": "NATIONAL_ID",
    "codicefiscale": "NATIONAL_ID",
    "steuerid": "NATIONAL_ID",
    "iban": "IBAN_CODE",
    "card": "CREDIT_CARD",
    "cardnumber": "CREDIT_CARD",
    "creditcard": "CREDIT_CARD",
    "pan": "CREDIT_CARD",
    "cc": "CREDIT_CARD",
    "address": "ADDRESS",
    "addr": "ADDRESS",
    "adr": "ADDRESS",
    "street": "ADDRESS",
    "streetaddress": "ADDRESS",
    "address1": "ADDRESS",
    "address2": "ADDRESS",
    "addressline": "ADDRESS",
    "strasse": "ADDRESS",
    "postcode": "POSTCODE",
    "postalcode": "POSTCODE",
    "zip": "POSTCODE",
    "zipcode": "POSTCODE",
    "plz": "POSTCODE",
    "postleitzahl": "POSTCODE",
    "cap": "POSTCODE",
    "cp": "POSTCODE",
    "codepostal": "POSTCODE",
    "eircode": "POSTCODE",
    "pincode": "POSTCODE",
    "dob": "DATE_OF_BIRTH",
    "bday": "DATE_OF_BIRTH",
    "birthday": "DATE_OF_BIRTH",
    "birthdate": "DATE_OF_BIRTH",
    "dateofbirth": "DATE_OF_BIRTH",
    "born": "DATE_OF_BIRTH",
    "bornon": "DATE_OF_BIRTH",
    "birth": "DATE_OF_BIRTH",
    "geburtsdatum": "DATE_OF_BIRTH",
    "passport": "PASSPORT",
    "passportnumber": "PASSPORT",
    "passportno": "PASSPORT",
    "docnumber": "PASSPORT",
    "documentnumber": "PASSPORT",
    "docno": "PASSPORT",
    "traveldoc": "PASSPORT",
    "traveldocument": "PASSPORT",
    "nir": "NATIONAL_ID",
    "permis": "DRIVER_LICENSE",
    "license": "DRIVER_LICENSE",
    "licence": "DRIVER_LICENSE",
    "dl": "DRIVER_LICENSE",
    "driverslicense": "DRIVER_LICENSE",
    "driverlicense": "DRIVER_LICENSE",
    "drivinglicence": "DRIVER_LICENSE",
    "user": "ID",
    "username": "ID",
    "userid": "ID",
    "login": "ID",
    "handle": "ID",
    "account": "ID",
    "customer": "ID",
    "client": "ID",
    "member": "ID",
    "patient": "ID",
    "employee": "ID",
    "subscriber": "ID",
    "contact": "ID",
    "person": "PERSON",
    "fullname": "PERSON",
    "firstname": "PERSON",
    "lastname": "PERSON",
    "givenname": "PERSON",
    "familyname": "PERSON",
    "surname": "PERSON",
    "forename": "PERSON",
    "recipient": "PERSON",
    "sender": "PERSON",
    "reporter": "PERSON",
    "assignee": "PERSON",
    "requester": "PERSON",
    "cardholder": "PERSON",
    "holder": "PERSON",
    "fn": "PERSON",
    "attn": "PERSON",
    "attention": "PERSON",
    "nameoncard": "PERSON",
    "shipto": "PERSON",
    "billto": "PERSON",
    "deliverto": "PERSON",
    "signedby": "PERSON",
}
# The same labels in the languages of the common locales (forms as `key_words` yields them).
_LOCAL_WORDS: dict[str, str] = {
    **dict.fromkeys(word_list("nombre nom nome naam namn imię imie 氏名 名前 お名前"), NAME_FIELD),
    **dict.fromkeys(
        word_list(
            "nazwisko vorname nachname familienname cognome achternaam voornaam förnamn "
            "fornamn efternamn apellido sobrenome prénom prenom 姓 名 titular inhaber"
        ),
        "PERSON",
    ),
    **dict.fromkeys(
        word_list(
            "telefon teléfono telefono telefone téléphone telefoonnummer telefonu "
            "telefonnummer mobil móvil movil cellulare celular portable handy handynummer 電話 "
            "電話番号 携帯"
        ),
        "PHONE_NUMBER",
    ),
    **dict.fromkeys(word_list("correo courriel メール メールアドレス"), "EMAIL_ADDRESS"),
    **dict.fromkeys(
        word_list(
            "dirección direccion endereço endereco indirizzo adresse adres adress adresa "
            "anschrift domicilio 住所"
        ),
        "ADDRESS",
    ),
    **dict.fromkeys(
        word_list("códigopostal codigopostal cep kodpocztowy 郵便番号 postnr"), "POSTCODE"
    ),
    **dict.fromkeys(
        word_list(
            "fechadenacimiento datadenascimento datadinascita datedenaissance dataurodzenia "
            "födelsedatum fodelsedatum nacimiento nascimento naissance nascita urodzenia "
            "geboortedatum 生年月日"
        ),
        "DATE_OF_BIRTH",
    ),
    **dict.fromkeys(
        word_list(
            "reisepass reisepassnummer passaporte pasaporte passeport passaporto paspoort "
            "paszport paszportu passnummer passnr パスポート 旅券"
        ),
        "PASSPORT",
    ),
    **dict.fromkeys(
        word_list(
            "運転免許証 führerschein fuhrerschein führerscheinnummer permisdeconduire "
            "carnetdeconducir patente rijbewijs körkort korkort körkortsnummer prawojazdy "
            "prawajazdy cnh 免許 免許証"
        ),
        "DRIVER_LICENSE",
    ),
    **dict.fromkeys(
        word_list(
            "kartennummer kreditkarte tarjeta cartão cartao kaartnummer karty kortnummer "
            "numérodecarte numerodecarte númerodetarjeta numerodetarjeta numerodicarta "
            "クレジットカード"
        ),
        "CREDIT_CARD",
    ),
    **dict.fromkeys(
        word_list(
            "steuer steueridentifikationsnummer personalausweis ausweis ausweisnummer insee "
            "nhs mynumber マイナンバー securitesociale sécuritésociale rg"
        ),
        "NATIONAL_ID",
    ),
}
_WORD_TYPES.update(_LOCAL_WORDS)
# Multi-word keys whose words name a document number (`passport no`, `licence number`).
_NUMBER_WORDS = frozenset(("number", "no", "num", "nr", "id", "code", "nummer", "numero"))
_NAME_QUALIFIERS = frozenset(
    word_list(
        "first last full given family middle display real legal customer user contact person "
        "recipient sender holder account owner billing shipping nick card patient employee "
        "member client guest passenger traveller traveler"
    )
)
# A last word that makes the key describe the person's data rather than identify them.
_DESCRIPTIVE = frozenset(
    word_list(
        "type status count tier agent role level plan at time date kind country language lang "
        "locale timezone tz verified enabled age score message feedback rating segment "
        "preference format mode length size created updated since valid validated expiry "
        "expires expiration issued class category state region city version os platform app "
        "device browser sdk library build env environment source channel medium campaign server "
        "host domain provider service template subject body queue list count id_type "
        "verified_at method"
    )
)
# Abbreviations that identify only as the whole key or with a number word (`dl_number`).
_AMBIGUOUS = frozenset(
    word_list("cap cp cc pan tin nin ni dl fn adr attn holder cell handle born birth")
)
_SPLIT_KEY = re.compile(r"[\W_]+")


@lru_cache(maxsize=16384)
def key_words(key: str) -> tuple[str, ...]:
    """Split `customerEmail`, `user-id`, `ip_addr` into lowercase words, plurals singular."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced).lower()
    words = [w for w in _SPLIT_KEY.split(spaced) if w]
    return tuple(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


@lru_cache(maxsize=16384)
def identifying_type(key: str, exact: bool = False) -> str | None:
    """The entity a value under this key is taken to be, whatever its content; None if none.

    `exact` leaves out the last rule (any one identifying word among others), for labels
    found inside prose, where `Jane Doe Assignee` must not read as one label.
    """
    from tracereader.privacy.credentials import is_credential_key
    from tracereader.privacy.secrets import SECRET

    words = key_words(key)
    if not words or len(words) > 6:
        return None
    if is_credential_key(key):
        return SECRET
    joined = "".join(words)
    if joined in _WORD_TYPES:
        return _WORD_TYPES[joined]
    for a, b in itertools.pairwise(words):
        if a + b in _WORD_TYPES and not (b == "address" and a == "ip"):
            return _WORD_TYPES[a + b]
    if len(words) > 1 and words[-1] in _DESCRIPTIVE:
        return None
    if words in (("name",), ("n",)):
        return NAME_FIELD
    if "name" in words and _NAME_QUALIFIERS.intersection(words):
        return "PERSON"
    if "ip" in words or joined in ("ipaddr", "ipaddress", "remoteaddr", "clientip"):
        return "IP_ADDRESS"
    glued = re.match(r"^(.+?)(?:nummer|number|numero|número|numer|nr|no|num|番号)$", joined)
    if glued and glued.group(1) in _WORD_TYPES and len(glued.group(1)) > 2:
        return _WORD_TYPES[glued.group(1)]  # `paspoortnr`, `passportno`
    if words[-1] in _NUMBER_WORDS and len(words) > 1:
        head = "".join(words[:-1])
        if head in _WORD_TYPES:
            return _WORD_TYPES[head]
    for word in [] if exact else reversed(words):  # the last word names the thing
        if (
            word in _WORD_TYPES
            and word not in _AMBIGUOUS
            and not (word == "address" and "ip" in words)
        ):
            return _WORD_TYPES[word]
    return None
