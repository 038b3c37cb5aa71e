from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from leadflow.adapters.importing.presets import map_columns
from leadflow.adapters.importing.readers import open_table
from leadflow.adapters.importing.rows import (
    ImportOptions,
    LeadCandidate,
    RowError,
    candidate_from_row,
)
from leadflow.domain.stages import Stage
from tests.environment import shared_data

GERMAN_HEADERS = ["Anrede", "Vorname", "Nachname", "E-Mail", "Telefon", "Firma", "Webseite",
                  "PLZ", "Ort", "Land", "Mitarbeiter", "Umsatz", "Status", "Bewertung",
                  "Erstellt am", "Newsletter abgemeldet", "Messe"]  # fmt: skip
GERMAN_ROW = {
    "Anrede": "Herr", "Vorname": " Jürgen ", "Nachname": "Weiß", "E-Mail": "J.Weiss@Mueller-Bau.DE",
    "Telefon": "0711 123456-0", "Firma": "Müller Bau GmbH & Co. KG", "Webseite": "",
    "PLZ": "70173", "Ort": "Stuttgart", "Land": "Deutschland", "Mitarbeiter": "50-199",
    "Umsatz": "12.500.000,00 €", "Status": "MQL", "Bewertung": "heiß",
    "Erstellt am": "31.12.2025", "Newsletter abgemeldet": "nein", "Messe": "Hannover 2025",
}  # fmt: skip


def _german(
    changes: dict[str, str] | None = None, *, row: int = 2
) -> LeadCandidate | list[RowError]:
    return candidate_from_row(row, GERMAN_ROW | (changes or {}), map_columns(GERMAN_HEADERS))


def test_a_german_row_becomes_a_normalised_candidate() -> None:
    candidate = _german()

    assert isinstance(candidate, LeadCandidate)
    assert (candidate.row, candidate.salutation, candidate.first_name, candidate.last_name) == (
        2,
        "Herr",
        "Jürgen",
        "Weiß",
    )
    assert candidate.email == "J.Weiss@mueller-bau.de"
    assert candidate.email_is_free_mail is False
    assert candidate.phone == "+497111234560"
    assert candidate.company_key == "mueller bau"
    assert candidate.domain == "mueller-bau.de"
    assert candidate.country_code == "DE"
    assert candidate.employees == 50
    assert candidate.annual_revenue == Decimal("12500000.00")
    assert (candidate.stage, candidate.grade) == (Stage.MQL, "A")
    assert candidate.created_at == datetime(2025, 12, 30, 23, 0, tzinfo=UTC)
    assert candidate.email_opt_out is False
    assert candidate.extras == {"Messe": "Hannover 2025"}


def test_an_invalid_email_beside_a_name_is_dropped_with_a_warning_naming_row_and_column() -> None:
    candidate = _german({"E-Mail": "max@@firma"}, row=17)

    assert isinstance(candidate, LeadCandidate)
    assert (candidate.email, candidate.last_name) == (None, "Weiß")
    [warning] = candidate.warnings
    assert (warning.row, warning.field) == (17, "E-Mail")
    assert warning.message.startswith("'max@@firma' is not a valid e-mail address")
    assert str(warning).startswith("row 17, E-Mail: 'max@@firma' is not a valid")
    assert candidate.extras["E-Mail"] == "max@@firma"


def test_an_invalid_email_that_is_the_only_identity_rejects_the_row_with_its_reason() -> None:
    errors = _german({"E-Mail": "max@@firma", "Vorname": "", "Nachname": "", "Telefon": ""})

    assert isinstance(errors, list)
    assert [error.field for error in errors] == ["Vorname, Nachname, E-Mail, Telefon", "E-Mail"]
    assert errors[0].message == "the row has no usable e-mail address, phone number or name"
    assert errors[1].message.startswith("'max@@firma' is not a valid e-mail address")


def test_every_dropped_value_of_a_row_is_reported_at_once() -> None:
    candidate = _german(
        {"Telefon": "12", "Mitarbeiter": "viele", "Status": "heiß", "Erstellt am": "31.02.2025",
           "Newsletter abgemeldet": "vielleicht", "Bewertung": "super"}
    )  # fmt: skip

    assert isinstance(candidate, LeadCandidate)
    assert (candidate.phone, candidate.employees, candidate.stage) == (None, None, None)
    assert {w.field: w.message.split(";")[0] for w in candidate.warnings} == {
        "Telefon": "'12' is not a valid phone number for DE",
        "Mitarbeiter": "'viele' is not a head count",
        "Status": "'heiß' is not a known stage value",
        "Bewertung": "'super' is not a known rating value",
        "Erstellt am": "'31.02.2025' is not a date",
        "Newsletter abgemeldet": "'vielleicht' is not a yes/no value",
    }


def test_a_row_without_email_phone_and_name_is_rejected() -> None:
    errors = _german({"Vorname": "", "Nachname": "Select", "E-Mail": " ", "Telefon": ""})

    assert errors == [
        RowError(2, "Vorname, Nachname, E-Mail, Telefon",
                 "the row has no usable e-mail address, phone number or name")
    ]  # fmt: skip


def test_a_row_with_only_a_phone_number_is_accepted() -> None:
    candidate = _german({"Vorname": "", "Nachname": "", "E-Mail": ""})

    assert isinstance(candidate, LeadCandidate)
    assert candidate.phone == "+497111234560"


def test_a_bad_row_returns_warnings_and_never_raises() -> None:
    garbage = dict.fromkeys(GERMAN_HEADERS, "\x00?!;")

    result = candidate_from_row(99, garbage, map_columns(GERMAN_HEADERS))

    assert isinstance(result, LeadCandidate)
    assert result.warnings
    assert all(warning.row == 99 for warning in result.warnings)


def test_a_free_mail_address_gives_no_company_domain_but_a_website_does() -> None:
    free = _german({"E-Mail": "juergen.weiss@web.de"})
    with_site = _german(
        {"E-Mail": "juergen.weiss@web.de", "Webseite": "https://www.mueller-bau.de/"}
    )

    assert isinstance(free, LeadCandidate) and isinstance(with_site, LeadCandidate)
    assert (free.email_is_free_mail, free.domain) == (True, None)
    assert with_site.domain == "mueller-bau.de"


def test_a_national_phone_number_is_read_in_the_rows_country() -> None:
    candidate = _german({"Telefon": "01 5123456", "Land": "Österreich"})

    assert isinstance(candidate, LeadCandidate)
    assert candidate.phone == "+4315123456"


def test_a_full_name_column_is_split_when_there_are_no_name_columns() -> None:
    mapping = map_columns(["Ansprechpartner", "E-Mail"])

    candidate = candidate_from_row(2, {"Ansprechpartner": "Anna Maria Groß", "E-Mail": ""}, mapping)

    assert isinstance(candidate, LeadCandidate)
    assert (candidate.first_name, candidate.last_name) == ("Anna Maria", "Groß")


def test_a_salesforce_row_gets_stage_grade_flags_and_conversion_date() -> None:
    headers = ["Id", "FirstName", "LastName", "Company", "Email", "Status", "Rating",
               "HasOptedOutOfEmail", "DoNotCall", "CreatedDate", "ConvertedDate",
               "OwnerId"]  # fmt: skip
    raw = dict(zip(headers, ["00Q5g00000AbCdEAAV", "Max", "Muster", "Acme Ltd", "max@acme.co.uk",
                             "Closed - Converted", "Warm", "0", "1", "2023-05-01T10:00:00.000+0000",
                             "2023-06-15", "000000000000000AAA"], strict=True))  # fmt: skip

    candidate = candidate_from_row(2, raw, map_columns(headers), ImportOptions(timezone=UTC))

    assert isinstance(candidate, LeadCandidate)
    assert (candidate.stage, candidate.grade) == (Stage.SQL, "B")
    assert (candidate.email_opt_out, candidate.do_not_call) == (False, True)
    assert candidate.created_at == datetime(2023, 5, 1, 10, tzinfo=UTC)
    assert candidate.stage_history == ((Stage.SQL, datetime(2023, 6, 15, tzinfo=UTC)),)
    assert candidate.owner is None
    assert candidate.domain == "acme.co.uk"


HUBSPOT_HEADERS = ["Record ID", "Email", "Lifecycle Stage", "Lead Status", "Became a Lead Date",
                   "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date",
                   "Became an Opportunity Date", "Became a Customer Date"]  # fmt: skip


def _hubspot(values: dict[str, str]) -> LeadCandidate | list[RowError]:
    raw = dict.fromkeys(HUBSPOT_HEADERS, "") | {"Record ID": "51", "Email": "a@firma.de"}
    return candidate_from_row(
        5, raw | values, map_columns(HUBSPOT_HEADERS), ImportOptions(timezone=UTC)
    )


def test_hubspot_became_dates_become_an_ordered_stage_history() -> None:
    candidate = _hubspot({
        "Lifecycle Stage": "opportunity",
        "Became an Opportunity Date": "2024-03-01 09:00",
        "Became a Lead Date": "2024-01-10 08:00",
        "Became a Sales Qualified Lead Date": "2024-02-20 14:30",
        "Became a Marketing Qualified Lead Date": "2024-02-01 12:00",
    })  # fmt: skip

    assert isinstance(candidate, LeadCandidate)
    assert candidate.stage is Stage.SQL
    assert candidate.stage_history == (
        (Stage.PROSPECT, datetime(2024, 1, 10, 8, tzinfo=UTC)),
        (Stage.MQL, datetime(2024, 2, 1, 12, tzinfo=UTC)),
        (Stage.SAL, datetime(2024, 2, 20, 14, 30, tzinfo=UTC)),
        (Stage.SQL, datetime(2024, 3, 1, 9, tzinfo=UTC)),
    )


@pytest.mark.parametrize(
    ("lifecycle", "lead_status", "stage"),
    [("lead", "BAD_TIMING", Stage.NURTURE), ("marketingqualifiedlead", "IN_PROGRESS", Stage.SAL),
     ("marketingqualifiedlead", "NEW", Stage.MQL), ("salesqualifiedlead", "UNQUALIFIED",
     Stage.DISQUALIFIED), ("customer", "UNQUALIFIED", Stage.WON), ("", "OPEN_DEAL", Stage.SQL),
     ("opportunity", "CONNECTED", Stage.SQL), ("other", "NEW", None)],
)  # fmt: skip
def test_the_hubspot_lead_status_refines_the_lifecycle_stage(
    lifecycle: str, lead_status: str, stage: Stage | None
) -> None:
    candidate = _hubspot({"Lifecycle Stage": lifecycle, "Lead Status": lead_status})

    assert isinstance(candidate, LeadCandidate)
    assert candidate.stage is stage


def test_a_bad_became_date_is_dropped_with_a_warning_naming_its_column() -> None:
    candidate = _hubspot({"Became a Customer Date": "irgendwann"})

    assert isinstance(candidate, LeadCandidate)
    assert [(w.row, w.field) for w in candidate.warnings] == [(5, "Became a Customer Date")]
    assert Stage.WON not in dict(candidate.stage_history)


def test_a_german_excel_csv_imports_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "messe.csv"
    path.write_bytes(
        ("Vorname;Nachname;E-Mail;Firma;Umsatz;Erstellt am\r\n"
         "Jürgen;Weiß;j.weiss@mueller.de;Müller GmbH;1.234;31.12.2025\r\n"
         "Anna;Groß;anna@@firma;Firma AG;12,5;1.2.24\r\n").encode("cp1252")
    )  # fmt: skip

    with open_table(path) as table:
        mapping = map_columns(table.headers)
        options = ImportOptions(decimal_comma=table.decimal_comma, timezone=UTC)
        results = [candidate_from_row(row, raw, mapping, options) for row, raw in table]

    good, warned = results
    assert isinstance(good, LeadCandidate)
    assert (good.company_key, good.annual_revenue) == ("mueller", Decimal("1234"))
    assert good.created_at == datetime(2025, 12, 31, tzinfo=UTC)
    assert isinstance(warned, LeadCandidate)
    assert [(w.row, w.field) for w in warned.warnings] == [(3, "E-Mail")]


def test_an_xlsx_imports_end_to_end_with_numbers_as_excel_stored_them(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["E-Mail", "Umsatz", "Erstellt am"])
    sheet.append(["max@firma.de", 1.234, datetime(2025, 3, 1, 8, 15)])
    workbook.save(path)

    with open_table(path) as table:
        mapping = map_columns(table.headers)
        options = ImportOptions(decimal_comma=table.decimal_comma, timezone=UTC)
        [(row, raw)] = list(table)
        candidate = candidate_from_row(row, raw, mapping, options)

    assert isinstance(candidate, LeadCandidate)
    assert candidate.annual_revenue == Decimal("1.234")
    assert candidate.created_at == datetime(2025, 3, 1, 8, 15, tzinfo=UTC)


def test_the_mautic_sample_row_is_read_and_its_brazilian_mobile_number_is_checked() -> None:
    with open_table(shared_data("vendor_formats", "mautic_contacts_sample.csv")) as table:
        mapping = map_columns(table.headers)
        [(row, raw)] = list(table)

    result = candidate_from_row(row, raw, mapping)

    assert isinstance(result, LeadCandidate)
    assert result.mobile is None
    assert [(warning.row, warning.field) for warning in result.warnings] == [(2, "mobile")]
    assert result.warnings[0].message.startswith("'57912345678' is not a valid phone number for BR")
    repaired = candidate_from_row(row, raw | {"mobile": "+55 11 91234-5678"}, mapping)
    assert isinstance(repaired, LeadCandidate)
    assert (repaired.first_name, repaired.email, repaired.mobile) == (
        "Dell",
        "djoost5j@example.com",
        "+5511912345678",
    )
    assert (repaired.job_title, repaired.postal_code, repaired.country_code) == (
        "Marketing Lead",
        "79270-000",
        "BR",
    )
    assert repaired.extras["points"] == "2520"
