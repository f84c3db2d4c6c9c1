"""The page that asks the requester how it went, reached from their question or the e-mail link.

Opening the page (GET) never records anything: mail scanners open links. Only sending the form
(POST) saves or changes the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from satisfaction import permissions, services
from satisfaction.forms import SurveyForm
from satisfaction.selectors import survey_answer_of, survey_can_change, survey_is_open
from satisfaction.tokens import SurveyLinkError, survey_token_read
from tickets import permissions as tickets_permissions
from tickets.models import Ticket
from tickets.views.requester import OPENED_KEY


@dataclass(frozen=True)
class Place:
    """Where this visitor's survey pages are: by the question's number, or by the e-mail link."""

    form_url: str
    thanks_url: str
    back_url: str
    back_is_question: bool


def _opened(request: HttpRequest) -> frozenset[int]:
    return frozenset(request.session.get(OPENED_KEY, []))


def _actor(request: HttpRequest) -> object:
    return request.user if request.user.is_authenticated else None


def _tickets() -> object:
    return Ticket.objects.select_related("product")


def _by_number(request: HttpRequest, number: int) -> tuple[Ticket, Place]:
    ticket = get_object_or_404(_tickets(), number=number)
    if not permissions.can_answer_survey(request.user, ticket, opened=_opened(request)):
        raise Http404
    place = Place(
        form_url=reverse("satisfaction:rate", kwargs={"number": number}),
        thanks_url=reverse("satisfaction:rate_thanks", kwargs={"number": number}),
        back_url=reverse("tickets:follow", kwargs={"number": number}),
        back_is_question=True,
    )
    return ticket, place


def _by_link(request: HttpRequest, token: str) -> tuple[Ticket | None, Place | None]:
    try:
        ticket_id = survey_token_read(token)
    except SurveyLinkError:
        return None, None
    ticket = get_object_or_404(_tickets(), pk=ticket_id)
    if not permissions.can_answer_survey(request.user, ticket, opened=_opened(request), holds_link=True):
        raise Http404
    can_follow = tickets_permissions.can_follow_ticket(request.user, ticket, opened=_opened(request))
    place = Place(
        form_url=reverse("satisfaction:rate_link", kwargs={"token": token}),
        thanks_url=reverse("satisfaction:rate_link_thanks", kwargs={"token": token}),
        back_url=reverse("tickets:follow", kwargs={"number": ticket.number}) if can_follow else reverse("home"),
        back_is_question=can_follow,
    )
    return ticket, place


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "satisfaction/link_invalid.html", status=410)


def _thanks(
    request: HttpRequest, ticket: Ticket, place: Place, answer: object, *, refused: bool = False
) -> HttpResponse:
    """The answer as given. `refused`: a change came in after the answer became final."""
    context = {
        "ticket": ticket,
        "place": place,
        "answer": answer,
        "deadline": services.survey_change_deadline(answer),
        "can_change": survey_can_change(answer),
        "refused": refused,
    }
    return render(request, "satisfaction/thanks.html", context, status=409 if refused else 200)


def _survey(request: HttpRequest, ticket: Ticket, place: Place) -> HttpResponse:
    if not survey_is_open(ticket):
        return render(request, "satisfaction/not_yet.html", {"ticket": ticket, "place": place})
    answer = survey_answer_of(ticket)
    if answer is not None and not survey_can_change(answer):
        return _thanks(request, ticket, place, answer, refused=request.method == "POST")
    initial = {}
    if answer is not None:
        initial = {
            "help_score": answer.help_score,
            "technology_score": answer.technology_score,
            "comment": answer.comment,
        }
    form = SurveyForm(
        request.POST if request.method == "POST" else None, initial=initial, product_name=ticket.product.name
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer_save(
                ticket=ticket,
                actor=_actor(request),
                help_score=form.cleaned_data["help_score"],
                technology_score=form.cleaned_data["technology_score"],
                comment=form.cleaned_data["comment"],
            )
        except services.SurveyNotYet:
            return render(request, "satisfaction/not_yet.html", {"ticket": ticket, "place": place}, status=409)
        except services.SurveyChangeClosed:
            return _thanks(request, ticket, place, survey_answer_of(ticket), refused=True)
        return redirect(place.thanks_url)
    context = {"ticket": ticket, "place": place, "form": form, "answer": answer}
    if answer is not None:
        context["deadline"] = services.survey_change_deadline(answer)
    return render(request, "satisfaction/rate.html", context)


def _thanks_page(request: HttpRequest, ticket: Ticket, place: Place) -> HttpResponse:
    answer = survey_answer_of(ticket)
    if answer is None:
        return redirect(place.form_url)
    return _thanks(request, ticket, place, answer)


def rate(request: HttpRequest, number: int) -> HttpResponse:
    ticket, place = _by_number(request, number)
    return _survey(request, ticket, place)


def rate_thanks(request: HttpRequest, number: int) -> HttpResponse:
    ticket, place = _by_number(request, number)
    return _thanks_page(request, ticket, place)


def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail: shows the questions; only the form's button records an answer."""
    ticket, place = _by_link(request, token)
    if ticket is None or place is None:
        return _link_invalid(request)
    return _survey(request, ticket, place)


def rate_link_thanks(request: HttpRequest, token: str) -> HttpResponse:
    ticket, place = _by_link(request, token)
    if ticket is None or place is None:
        return _link_invalid(request)
    return _thanks_page(request, ticket, place)
