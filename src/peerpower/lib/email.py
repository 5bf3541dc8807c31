"""Rendering and sending the product's emails: an HTML and a plain-text part from templates.

Every email is rendered from `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`, so
wording lives in templates and tests can assert on what people actually receive. The subject
and the plain text are rendered without HTML escaping (a name like `Tom's "Leaders"` arrives as
written, not as `Tom&#x27;s &quot;Leaders&quot;`); the HTML part is escaped as every page is.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template rendered with autoescaping off (it is never read as HTML)."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


def send_templated_email(
    *,
    to: str,
    template_prefix: str,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_text(f"{template_prefix}_subject.txt", context).strip()
    text = render_text(f"{template_prefix}.txt", context)
    html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[to],
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers=dict(headers or {}),
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    message.send()
