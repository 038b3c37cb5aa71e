"""The code a marketer pastes into a web site to show a campaign's lead form."""

from __future__ import annotations

import html

from leadflow.domain.form_config import FormConfig
from leadflow.domain.web_to_lead import safe_return_url


def embed_snippets(base_url: str, form_key: str, config: FormConfig) -> dict[str, str]:
    """The two ways to put a form on a web site: an iframe, or a plain HTML form posting here.
    The HTML form returns to the form's thank-you address if one is set (else leadflow shows its
    own thank-you page) and sends each consent box's text beside it."""
    base = base_url.rstrip("/")
    iframe = (
        f'<iframe src="{base}/f/{form_key}" title="Kontakt" width="100%" height="720" '
        'style="border:0"></iframe>'
    )
    lines = [
        f'<form method="post" action="{base}/f/{form_key}" accept-charset="utf-8">',
        '  <input name="first_name" placeholder="Vorname">',
        '  <input name="last_name" placeholder="Nachname" required>',
        '  <input name="email" type="email" placeholder="E-Mail" required>',
        '  <input name="company" placeholder="Unternehmen">',
    ]
    for box in config.consents:
        text = html.escape(box.text_de)
        lines += [
            f'  <label><input type="checkbox" name="consent_{box.key}" value="1"> {text}</label>',
            f'  <input name="consent_text_{box.key}" type="hidden" value="{text}">',
        ]
    thank_you = safe_return_url(config.thank_you_url)
    if thank_you:
        lines.append(f'  <input name="retURL" type="hidden" value="{html.escape(thank_you)}">')
    lines += [
        '  <button type="submit">Absenden</button>',
        "</form>",
        f'<script src="{base}/f/assets/form.js" defer></script>',
    ]
    return {"iframe": iframe, "html": "\n".join(lines)}
