"""Signed links in the e-mail that asks how it went. Opening one shows the questions; it records nothing."""

from __future__ import annotations

from helpdesk.signed_links import SignedLink
from helpdesk.signed_links import SignedLinkError as SurveyLinkError
from satisfaction.services import SURVEY_CHANGE_DAYS

__all__ = ["SURVEY_LINK_MAX_AGE", "SurveyLinkError", "survey_token_make", "survey_token_read"]

# The link works as long as an answer may still be changed after the question was solved.
SURVEY_LINK_MAX_AGE = 60 * 60 * 24 * SURVEY_CHANGE_DAYS
SURVEY_LINK = SignedLink(salt="satisfaction.survey", max_age=SURVEY_LINK_MAX_AGE)


def survey_token_make(ticket_id: int) -> str:
    return SURVEY_LINK.make(ticket_id)


def survey_token_read(token: str) -> int:
    return SURVEY_LINK.read(token)
