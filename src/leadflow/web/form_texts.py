"""The words of the public lead form in German and English, and how a visitor's language is
chosen: ?lang=, then the browser's Accept-Language, then the installation's default."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "first_name": "Vorname", "last_name": "Nachname", "email": "E-Mail",
        "company": "Unternehmen", "title": "Position", "phone": "Telefon", "mobile": "Mobil",
        "street": "Straße", "zip": "PLZ", "city": "Ort", "state": "Bundesland",
        "country": "Land", "url": "Website", "industry": "Branche",
        "employees": "Mitarbeiter", "description": "Ihre Nachricht",
        "submit": "Absenden", "required": "Pflichtfeld", "honeypot": "Bitte leer lassen",
        "thanks_title": "Vielen Dank!",
        "thanks": "Wir haben Ihre Angaben erhalten und melden uns in Kürze bei Ihnen.",
        "confirm_mail": "Bitte bestätigen Sie Ihre E-Mail-Einwilligung über den Link, den wir "
        "Ihnen senden.",
        "fix": "Bitte prüfen Sie die markierten Felder.",
        "unavailable": "Dieses Formular ist nicht verfügbar.",
        "unavailable_hint": "Bitte prüfen Sie die Adresse oder wenden Sie sich an das Unternehmen, "
        "dessen Formular Sie aufrufen wollten.",
    },
    "en": {
        "first_name": "First name", "last_name": "Last name", "email": "E-mail",
        "company": "Company", "title": "Job title", "phone": "Phone", "mobile": "Mobile",
        "street": "Street", "zip": "Postal code", "city": "City", "state": "State",
        "country": "Country", "url": "Website", "industry": "Industry",
        "employees": "Employees", "description": "Your message",
        "submit": "Send", "required": "Required", "honeypot": "Please leave empty",
        "thanks_title": "Thank you!",
        "thanks": "We have received your details and will be in touch shortly.",
        "confirm_mail": "Please confirm your e-mail consent with the link we are sending you.",
        "fix": "Please check the marked fields.",
        "unavailable": "This form is not available.",
        "unavailable_hint": "Please check the address or contact the company whose form you "
        "wanted to open.",
    },
}  # fmt: skip

INPUT_TYPES = {"email": "email", "phone": "tel", "mobile": "tel", "url": "url"}
AUTOCOMPLETE = {
    "first_name": "given-name", "last_name": "family-name", "email": "email",
    "company": "organization", "title": "organization-title", "phone": "tel",
    "mobile": "tel", "street": "street-address", "zip": "postal-code",
    "city": "address-level2", "country": "country-name", "url": "url",
}  # fmt: skip
