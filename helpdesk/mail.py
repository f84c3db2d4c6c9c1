"""E-mail written from a pair of templates, in the reader's own language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(*, template: str, context: dict[str, Any], to: str, language: str | None) -> None:
    """Renders `<template>_subject.txt` and `<template>_body.txt` and sends them to one address."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    send_mail(subject, body, None, [to])
