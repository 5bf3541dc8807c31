"""Rendering and sending the product's emails: an HTML and a plain-text part from templates.

Every email is rendered from `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`, so
wording lives in templates and tests can assert on what people actually receive.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def send_templated_email(
    *,
    to: str,
    template_prefix: str,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
    text = render_to_string(f"{template_prefix}.txt", context)
    html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[to],
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    message.send()
