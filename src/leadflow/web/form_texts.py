"""The words of the public lead form, as messages of the UI's German and English catalogs, and
the input types and autocomplete hints of its fields."""

from __future__ import annotations

from functools import cache

from leadflow.web.i18n import N_, catalog

FORM_WORDS: dict[str, str] = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("E-mail"),
    "company": N_("Company"),
    "title": N_("Job title"),
    "phone": N_("Phone"),
    "mobile": N_("Mobile"),
    "street": N_("Street"),
    "zip": N_("Postal code"),
    "city": N_("City"),
    "state": N_("State"),
    "country": N_("Country"),
    "url": N_("Website"),
    "industry": N_("Industry"),
    "employees": N_("Employees"),
    "description": N_("Your message"),
    "submit": N_("Send"),
    "required": N_("Required"),
    "honeypot": N_("Please leave empty"),
    "thanks_title": N_("Thank you!"),
    "thanks": N_("We have received your details and will be in touch shortly."),
    "confirm_mail": N_("Please confirm your e-mail consent with the link we are sending you."),
    "fix": N_("Please check the marked fields."),
    "unavailable": N_("This form is not available."),
    "unavailable_hint": N_(
        "Please check the address or contact the company whose form you wanted to open."
    ),
}
"""The form's words by their place in the templates, as English messages of the UI catalogs."""


@cache
def form_words(language: str) -> dict[str, str]:
    """The form's words in one of the UI's languages, from its message catalog."""
    words = catalog(language)
    return {key: words.gettext(message) for key, message in FORM_WORDS.items()}


INPUT_TYPES = {"email": "email", "phone": "tel", "mobile": "tel", "url": "url"}
AUTOCOMPLETE = {
    "first_name": "given-name", "last_name": "family-name", "email": "email",
    "company": "organization", "title": "organization-title", "phone": "tel",
    "mobile": "tel", "street": "street-address", "zip": "postal-code",
    "city": "address-level2", "country": "country-name", "url": "url",
}  # fmt: skip
