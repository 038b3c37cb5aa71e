import pytest

from leadflow.adapters.importing.normalize import (
    company_key,
    company_similarity,
    country_code,
    fold,
    normalize_email,
    normalize_phone,
    registrable_domain,
)


def test_mueller_gmbh_and_co_kg_and_mueller_gmbh_share_one_match_key() -> None:
    assert company_key("Müller GmbH & Co. KG") == company_key("Mueller GmbH") == "mueller"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Schmidt AG", "schmidt"),
        ("Bauer & Söhne KG", "bauer soehne"),
        ("Weiß OHG", "weiss"),
        ("Start-up UG (haftungsbeschränkt)", "start up"),
        ("Huber e.K.", "huber"),
        ("Allianz SE", "allianz"),
        ("Merck KGaA", "merck"),
        ("Acme Ltd.", "acme"),
        ("Acme, Inc.", "acme"),
        ("Acme LLC", "acme"),
        ("Nestlé S.A.", "nestle"),
        ("Philips B.V.", "philips"),
        ("Krause GmbH & Co. KGaA", "krause"),
    ],
)
def test_the_match_key_drops_legal_form_punctuation_case_and_accents(name: str, key: str) -> None:
    assert company_key(name) == key


def test_a_name_that_is_only_a_legal_form_keeps_its_words() -> None:
    assert company_key("AG") == "ag"


def test_umlauts_are_spelt_out_when_folding() -> None:
    assert fold("Größe Ärger Übel") == "groesse aerger uebel"


def test_company_similarity_is_one_for_the_same_company_in_another_legal_form() -> None:
    assert company_similarity("Müller Maschinenbau GmbH", "Mueller Maschinenbau AG") == 1.0


def test_company_similarity_is_high_for_a_typo_and_low_for_another_company() -> None:
    typo = company_similarity("Müller Maschinenbau GmbH", "Muller Maschienenbau GmbH")
    other = company_similarity("Müller Maschinenbau GmbH", "Schmidt Logistik GmbH")

    assert typo > 0.85
    assert other < 0.5


def test_company_similarity_of_an_empty_name_is_zero() -> None:
    assert company_similarity("", "Müller GmbH") == 0.0


@pytest.mark.parametrize(
    "written",
    ["0711 123456-0", "+49 (711) 1234560", "0711/1234560", "+49 711 1234560", "0049 711 1234560"],
)
def test_german_phone_formats_become_one_e164_number(written: str) -> None:
    assert normalize_phone(written) == "+497111234560"


def test_a_national_number_is_read_in_the_rows_country() -> None:
    assert normalize_phone("01 5123456", region="AT") == "+4315123456"


def test_an_invalid_phone_number_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"'0711 12' is not a valid phone number for DE; expected"):
        normalize_phone("0711 12")


def test_text_is_not_a_phone_number() -> None:
    with pytest.raises(ValueError, match="'keine Angabe' is not a valid phone number"):
        normalize_phone("keine Angabe")


def test_an_email_address_gets_a_lower_case_domain_and_keeps_its_local_part() -> None:
    email = normalize_email("  Max.Mustermann@Firma.DE ")

    assert email.address == "Max.Mustermann@firma.de"
    assert email.domain == "firma.de"
    assert email.is_free_mail is False


def test_an_address_at_a_free_mail_provider_is_flagged() -> None:
    assert normalize_email("max@GMX.de").is_free_mail is True


@pytest.mark.parametrize("written", ["max@@firma", "max@firma", "max.firma.de", "max @firma.de"])
def test_an_invalid_email_address_is_a_clear_error(written: str) -> None:
    with pytest.raises(ValueError, match=f"'{written}' is not a valid e-mail address"):
        normalize_email(written)


@pytest.mark.parametrize(
    ("written", "domain"),
    [
        ("https://www.Firma.de/kontakt?x=1", "firma.de"),
        ("www.firma.de", "firma.de"),
        ("firma.de:8080/shop", "firma.de"),
        ("http://shop.firma.co.uk", "firma.co.uk"),
        ("max@vertrieb.firma.de", "firma.de"),
        ("https://www.müller-gmbh.de", "müller-gmbh.de"),
    ],
)
def test_web_and_email_addresses_give_the_registrable_domain(written: str, domain: str) -> None:
    assert registrable_domain(written) == domain


def test_a_word_is_not_a_web_address() -> None:
    with pytest.raises(ValueError, match="'intranet' is not a web address or domain"):
        registrable_domain("intranet")


@pytest.mark.parametrize(
    ("written", "code"),
    [("Deutschland", "DE"), ("Germany", "DE"), ("de", "DE"), ("Österreich", "AT"),
     ("Schweiz", "CH"), ("USA", "US"), ("United Kingdom", "GB"), ("Brazil", "BR")],
)  # fmt: skip
def test_country_names_in_english_and_german_give_iso_codes(written: str, code: str) -> None:
    assert country_code(written) == code


def test_an_unknown_country_has_no_code() -> None:
    assert country_code("Atlantis") is None
