"""Ideal-customer profiles and buying roles."""

from __future__ import annotations

import pytest

from leadflow.domain.errors import InvalidInput
from leadflow.domain.target_profile import buying_role, missing_roles, profile_from


def test_an_account_fits_by_industry_size_and_region() -> None:
    profile = profile_from(
        {"industries": ["Maschinenbau"], "min_employees": 100, "max_employees": 1000,
         "countries": ["de"], "postal_prefixes": ["7"]}
    )  # fmt: skip

    assert profile.account_fits("maschinenbau", 250, "DE", "70173")
    assert not profile.account_fits("Software", 250, "DE", "70173")
    assert not profile.account_fits("Maschinenbau", 50, "DE", "70173")
    assert not profile.account_fits("Maschinenbau", None, "DE", "70173")
    assert not profile.account_fits("Maschinenbau", 250, "AT", "70173")
    assert not profile.account_fits("Maschinenbau", 250, "DE", "80331")


def test_a_contact_fits_by_seniority_or_words_of_the_job_title() -> None:
    leaders = profile_from({"seniorities": ["c_level"]})
    buyers = profile_from({"roles": ["Einkauf"]})

    assert leaders.contact_fits("Geschäftsführer") and not leaders.contact_fits("Einkäufer")
    assert buyers.contact_fits("Leiter Einkauf") and not buyers.contact_fits("CTO")


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Geschäftsführerin", "decision_maker"),
        ("CEO", "decision_maker"),
        ("Leiter Einkauf", "buyer"),
        ("Head of Engineering", "influencer"),
        ("Assistenz der Geschäftsführung", "gatekeeper"),
        ("Konstrukteur", "user"),
    ],
)
def test_the_buying_role_is_read_from_the_job_title_when_none_is_recorded(
    title: str, role: str
) -> None:
    assert buying_role(None, title) == role


def test_a_recorded_buying_role_wins_and_missing_roles_are_listed() -> None:
    assert buying_role("champion", "CEO") == "decision_maker"
    assert buying_role("buyer", "CEO") == "buyer"
    assert missing_roles(["buyer", "user"]) == ["decision_maker", "influencer", "gatekeeper"]


def test_an_unknown_seniority_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown seniority 'king'"):
        profile_from({"seniorities": ["king"]})
