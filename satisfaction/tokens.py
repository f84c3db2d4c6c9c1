"""Signed links in the e-mail that asks how it went. Opening one shows the questions; it records nothing."""

from __future__ import annotations

from django.core import signing
from django.db import connection

from satisfaction.services import SURVEY_CHANGE_DAYS

SURVEY_SALT = "satisfaction.survey"
# The link works as long as an answer may still be changed after the question was solved.
SURVEY_LINK_MAX_AGE = 60 * 60 * 24 * SURVEY_CHANGE_DAYS


class SurveyLinkError(Exception):
    """The link is forged, expired, or made for another organisation."""


def survey_token_make(ticket_id: int) -> str:
    return signing.dumps({"t": ticket_id, "s": connection.schema_name}, salt=SURVEY_SALT, compress=True)


def survey_token_read(token: str) -> int:
    try:
        data = signing.loads(token, salt=SURVEY_SALT, max_age=SURVEY_LINK_MAX_AGE)
    except signing.BadSignature as error:
        raise SurveyLinkError(str(error)) from error
    if not isinstance(data, dict) or data.get("s") != connection.schema_name or not isinstance(data.get("t"), int):
        raise SurveyLinkError("This link belongs to another organisation.")
    return data["t"]
