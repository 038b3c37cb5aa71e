import pytest

from leadflow.adapters.importing.mapping_file import PRESET_NAMES, parse_mapping_file
from leadflow.adapters.importing.preset_tables import CANONICAL_FIELDS, GENERIC_SYNONYMS
from leadflow.adapters.importing.presets import (
    PRESETS,
    ColumnMapping,
    detect_preset,
    header_key,
    map_columns,
)
from leadflow.adapters.importing.readers import open_table
from leadflow.domain.errors import InvalidInput
from tests.environment import shared_data

SALESFORCE_MAPPED = {
    "Id": "external_id", "Salutation": "salutation", "FirstName": "first_name",
    "LastName": "last_name", "Title": "job_title", "Company": "company", "Street": "street",
    "City": "city", "State": "state", "PostalCode": "postal_code", "Country": "country",
    "Phone": "phone", "MobilePhone": "mobile", "Email": "email", "Website": "website",
    "Description": "description", "LeadSource": "lead_source", "Status": "stage",
    "Industry": "industry", "Rating": "rating", "AnnualRevenue": "annual_revenue",
    "NumberOfEmployees": "employees", "OwnerId": "owner", "HasOptedOutOfEmail": "email_opt_out",
    "ConvertedDate": "became_sql_at", "CreatedDate": "created_at", "DoNotCall": "do_not_call",
    "Department__c": "department",
}  # fmt: skip

HUBSPOT_IMPORTANT = {
    "Record ID": "external_id", "First Name": "first_name", "Last Name": "last_name",
    "Email": "email", "Phone Number": "phone", "Mobile Phone Number": "mobile",
    "Company Name": "company", "Job Title": "job_title", "Lifecycle Stage": "stage",
    "Lead Status": "lead_status", "Contact owner": "owner", "Create Date": "created_at",
    "Country/Region": "country", "Postal Code": "postal_code", "City": "city",
    "Number of Employees": "employees", "Annual Revenue": "annual_revenue",
    "Industry": "industry", "Website URL": "website", "Original Source": "lead_source",
    "Became a Lead Date": "became_prospect_at",
    "Became a Marketing Qualified Lead Date": "became_mql_at",
    "Became a Sales Qualified Lead Date": "became_sal_at",
    "Became an Opportunity Date": "became_sql_at",
    "Became a Customer Date": "became_won_at",
}  # fmt: skip

MAUTIC_IMPORTANT = {
    "firstname": "first_name", "lastname": "last_name", "email": "email", "company": "company",
    "phone": "phone", "mobile": "mobile", "position": "job_title", "address1": "street",
    "zipcode": "postal_code", "city": "city", "state": "state", "country": "country",
    "website": "website", "stage": "stage",
}  # fmt: skip


def _vendor_mapping(file_name: str) -> tuple[tuple[str, ...], ColumnMapping]:
    with open_table(shared_data("vendor_formats", file_name)) as table:
        return table.headers, map_columns(table.headers)


def _assert_every_header_is_mapped_or_kept(
    headers: tuple[str, ...], mapping: ColumnMapping
) -> None:
    assert set(mapping.fields).isdisjoint(mapping.extras)
    assert sorted([*mapping.fields, *mapping.extras]) == sorted(headers)
    assert set(mapping.fields.values()) <= set(CANONICAL_FIELDS)
    assert len(set(mapping.fields.values())) == len(mapping.fields)


def test_the_salesforce_lead_export_maps_every_standard_field_and_keeps_the_rest() -> None:
    headers, mapping = _vendor_mapping("salesforce_lead_export_HEADER_ONLY.csv")

    assert mapping.preset == "salesforce"
    assert dict(mapping.fields) == SALESFORCE_MAPPED
    _assert_every_header_is_mapped_or_kept(headers, mapping)
    assert {"IsConverted", "LastModifiedDate", "LinkedIn__c", "Region__c"} <= set(mapping.extras)


def test_the_hubspot_all_properties_export_maps_the_funnel_columns_and_keeps_the_rest() -> None:
    headers, mapping = _vendor_mapping("hubspot_contacts_export_HEADER_ONLY_all_properties.csv")

    assert mapping.preset == "hubspot"
    assert dict(mapping.fields) == {
        **HUBSPOT_IMPORTANT, "Salutation": "salutation", "Job function": "department",
        "Street Address": "street", "State/Region": "state", "Lead Rating": "rating",
        "Message": "description", "Unsubscribed from all email": "email_opt_out",
        "Legal basis for processing contact's data": "legal_basis",
    }  # fmt: skip
    _assert_every_header_is_mapped_or_kept(headers, mapping)
    assert mapping.opt_out_columns == ("Opted out of email: Customer Service Communication",)
    assert {"höbbela", "HubSpot Score", "Work email", "Status", "Associated Company"} <= set(
        mapping.extras
    )


def test_the_hubspot_default_view_maps_its_contact_columns() -> None:
    headers, mapping = _vendor_mapping("hubspot_contacts_export_HEADER_ONLY_default_view.csv")

    assert mapping.preset == "hubspot"
    assert dict(mapping.fields) == {
        "Record ID": "external_id", "First Name": "first_name", "Last Name": "last_name",
        "Email": "email", "Phone Number": "phone", "Contact owner": "owner",
        "Lead Status": "lead_status", "Create Date": "created_at",
        "Associated Company": "company",
    }  # fmt: skip
    _assert_every_header_is_mapped_or_kept(headers, mapping)


def test_the_mautic_sample_is_mapped_generically() -> None:
    headers, mapping = _vendor_mapping("mautic_contacts_sample.csv")

    assert mapping.preset == "generic"
    assert dict(mapping.fields) == MAUTIC_IMPORTANT
    _assert_every_header_is_mapped_or_kept(headers, mapping)
    assert {"points", "title", "address2", "linkedin"} <= set(mapping.extras)


def test_salesforce_report_labels_are_recognised_as_salesforce() -> None:
    headers = ["Lead ID", "First Name", "Last Name", "Title", "Company / Account", "Email",
               "Phone", "Mobile", "Zip/Postal Code", "State/Province", "No. of Employees",
               "Annual Revenue", "Lead Source", "Lead Status", "Rating", "Lead Owner",
               "Create Date", "Email Opt Out", "Do Not Call"]  # fmt: skip

    mapping = map_columns(headers)

    assert mapping.preset == "salesforce"
    assert mapping.extras == ()
    assert mapping.fields["Company / Account"] == "company"
    assert mapping.fields["Lead Status"] == "stage"
    assert mapping.fields["Lead Owner"] == "owner"
    assert mapping.fields["Zip/Postal Code"] == "postal_code"


def test_hubspot_internal_property_names_are_recognised_as_hubspot() -> None:
    headers = ["hs_object_id", "firstname", "lastname", "email", "phone", "company", "jobtitle",
               "lifecyclestage", "hs_lead_status", "hubspot_owner_id", "createdate",
               "hs_lifecyclestage_lead_date", "hs_lifecyclestage_marketingqualifiedlead_date",
               "hs_lifecyclestage_salesqualifiedlead_date", "hs_lifecyclestage_opportunity_date",
               "hs_lifecyclestage_customer_date"]  # fmt: skip

    mapping = map_columns(headers)

    assert mapping.preset == "hubspot"
    assert mapping.extras == ()
    assert mapping.fields["hs_lifecyclestage_opportunity_date"] == "became_sql_at"
    assert mapping.fields["hubspot_owner_id"] == "owner"


def test_german_headers_map_generically_and_the_better_name_wins_a_contested_field() -> None:
    headers = ["Anrede", "Vorname", "Nachname", "E-Mail", "Telefon", "Handy", "Unternehmen",
               "Firma", "Position", "Straße", "PLZ", "Ort", "Land", "Branche", "Mitarbeiter",
               "Jahresumsatz", "Quelle", "Status", "Erstellt am", "Bemerkung",
               "Lieblingsfarbe"]  # fmt: skip

    mapping = map_columns(headers)

    assert mapping.preset == "generic"
    assert mapping.fields["Vorname"] == "first_name"
    assert mapping.fields["E-Mail"] == "email"
    assert mapping.fields["Firma"] == "company"
    assert mapping.fields["Straße"] == "street"
    assert mapping.fields["PLZ"] == "postal_code"
    assert mapping.fields["Ort"] == "city"
    assert mapping.fields["Position"] == "job_title"
    assert mapping.fields["Handy"] == "mobile"
    assert mapping.extras == ("Unternehmen", "Lieblingsfarbe")


def test_a_misspelt_header_is_matched_fuzzily_in_the_generic_preset() -> None:
    mapping = map_columns(["Nachnahme", "Emailadrese", "Postleitzahll"])

    assert dict(mapping.fields) == {
        "Nachnahme": "last_name",
        "Emailadrese": "email",
        "Postleitzahll": "postal_code",
    }


def test_a_mapping_file_maps_ignores_and_keeps_columns_over_the_preset() -> None:
    overrides = parse_mapping_file(
        '[columns]\n"Ansprechpartner Vorname" = "first_name"\n"Interne Nr" = "ignore"\n'
        '"Status" = "extra"\n'
    )

    mapping = map_columns(
        ["Ansprechpartner Vorname", "Interne Nr", "Status", "E-Mail"], overrides=overrides
    )

    assert dict(mapping.fields) == {"Ansprechpartner Vorname": "first_name", "E-Mail": "email"}
    assert mapping.ignored == ("Interne Nr",)
    assert mapping.extras == ("Status",)


def test_an_unknown_preset_name_is_invalid_input() -> None:
    with pytest.raises(
        InvalidInput, match="unknown preset 'pipedrive'; expected one of salesforce"
    ):
        map_columns(["Email"], "pipedrive")


def test_a_mapping_file_can_choose_the_preset() -> None:
    overrides = parse_mapping_file('preset = "salesforce"')

    mapping = map_columns(["Status"], overrides=overrides)

    assert mapping.translate("stage", "Working - Contacted") == "sal"


@pytest.mark.parametrize(
    ("status", "stage"),
    [("Open - Not Contacted", "mql"), ("Working - Contacted", "sal"),
     ("Closed - Converted", "sql"), ("Closed - Not Converted", "disqualified"),
     ("Open", "mql"), ("Contacted", "sal"), ("Qualified", "sql"),
     ("Unqualified", "disqualified"), ("Nurturing", "nurture")],
)  # fmt: skip
def test_salesforce_lead_statuses_become_stages(status: str, stage: str) -> None:
    assert map_columns(["Status"], "salesforce").translate("stage", status) == stage


@pytest.mark.parametrize(("rating", "grade"), [("Hot", "A"), ("Warm", "B"), ("Cold", "C")])
def test_salesforce_ratings_become_grades(rating: str, grade: str) -> None:
    assert map_columns(["Rating"], "salesforce").translate("rating", rating) == grade


@pytest.mark.parametrize(
    ("value", "stage"),
    [("subscriber", "prospect"), ("lead", "prospect"), ("Lead", "prospect"),
     ("marketingqualifiedlead", "mql"), ("Marketing Qualified Lead", "mql"),
     ("salesqualifiedlead", "sal"), ("Sales Qualified Lead", "sal"),
     ("opportunity", "sql"), ("customer", "won"), ("Evangelist", "won"), ("other", None)],
)  # fmt: skip
def test_hubspot_lifecycle_stages_become_stages(value: str, stage: str | None) -> None:
    assert map_columns(["Lifecycle Stage"], "hubspot").translate("stage", value) == stage


@pytest.mark.parametrize(
    ("value", "stage"),
    [("NEW", None), ("OPEN", None), ("IN_PROGRESS", "sal"), ("In progress", "sal"),
     ("ATTEMPTED_TO_CONTACT", "sal"), ("CONNECTED", "sal"), ("OPEN_DEAL", "sql"),
     ("UNQUALIFIED", "disqualified"), ("BAD_TIMING", "nurture")],
)  # fmt: skip
def test_hubspot_lead_statuses_become_stages(value: str, stage: str | None) -> None:
    assert map_columns(["Lead Status"], "hubspot").translate("lead_status", value) == stage


def test_an_unknown_value_says_where_to_map_it() -> None:
    mapping = map_columns(["Status"], "salesforce")

    with pytest.raises(
        ValueError, match=r"'Heiß' is not a known stage value; map it under \[values\.stage\]"
    ):
        mapping.translate("stage", "Heiß")


def test_a_mapping_file_adds_stage_values() -> None:
    overrides = parse_mapping_file('[values.stage]\n"Heißer Kontakt" = "mql"\n"Archiv" = ""\n')

    mapping = map_columns(["Status"], "generic", overrides)

    assert mapping.translate("stage", "heißer kontakt") == "mql"
    assert mapping.translate("stage", "Archiv") is None


@pytest.mark.parametrize(
    "headers",
    [["Vorname", "Nachname", "E-Mail"], ["firstname", "lastname", "title", "mobile"], []],
)
def test_files_without_vendor_markers_are_generic(headers: list[str]) -> None:
    assert detect_preset(headers) == "generic"


def test_every_preset_maps_to_canonical_fields_and_is_named_in_mapping_files() -> None:
    targets = {target for preset in PRESETS.values() for target in preset.columns.values()}

    assert targets <= set(CANONICAL_FIELDS)
    assert set(GENERIC_SYNONYMS) <= set(CANONICAL_FIELDS)
    assert tuple(PRESETS) == PRESET_NAMES


def test_no_generic_name_is_a_synonym_of_two_fields() -> None:
    owners: dict[str, str] = {}
    for target, names in GENERIC_SYNONYMS.items():
        for name in names:
            assert owners.setdefault(header_key(name), target) == target, name
