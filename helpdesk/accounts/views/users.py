"""A manager invites and manages the people of their organisation."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import permissions
from helpdesk.accounts import cards, hooks, second_factor, selectors, services
from helpdesk.accounts.forms import UserEditForm, UserForm
from helpdesk.accounts.models import LoginToken, Role, User
from helpdesk.decorators import allowed_if


def _managed_user(
    request: HttpRequest, user_id: int, *, rule: Callable[..., bool] = permissions.can_manage_user
) -> User:
    """The person `user_id` of this organisation, if `rule` lets the signed-in manager act on them."""
    target = get_object_or_404(User, pk=user_id)
    if not rule(request.user, target):
        raise Http404
    return target


@allowed_if(permissions.can_manage_users)
def user_list(request: HttpRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    people = User.objects.filter(public_user_id__isnull=True).order_by("role", "full_name")
    if role in Role.values:
        people = people.filter(role=role)
    cards_by_user = set(
        LoginToken.objects.filter(purpose=LoginToken.Purpose.LOGIN_CARD, revoked_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    return render(
        request, "accounts/user_list.html", {"people": people, "role": role, "roles": Role, "with_card": cards_by_user}
    )


@allowed_if(permissions.can_manage_users)
@require_http_methods(["GET", "POST"])
def user_invite(request: HttpRequest) -> HttpResponse:
    form = UserForm(
        request.POST or None, initial={"role": Role.REQUESTER, "requester_kind": "client", "language": "nl"}
    )
    if request.method == "POST" and form.is_valid():
        person = services.user_invite(actor=request.user, **{k: form.cleaned_data[k] or "" for k in form.Meta.fields})
        if person.email:
            messages.success(request, _("%(name)s has been added and gets an invitation by e-mail.") % {"name": person})
        else:
            messages.success(request, _("%(name)s has been added. Print a login card for them.") % {"name": person})
        if person.role == Role.VOLUNTEER:
            messages.info(
                request,
                _("%(name)s starts as a trainee: their answers wait for approval. Choose another level below.")
                % {"name": person},
            )
        return redirect("accounts:user_detail", user_id=person.pk)
    return render(request, "accounts/user_form.html", {"form": form, "person": None})


@allowed_if(permissions.can_manage_users)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _managed_user(request, user_id)
    # The form validates onto a copy: the page keeps showing the saved details, and the service
    # compares against them.
    form = UserEditForm(request.POST or None, instance=User.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        services.user_update(actor=request.user, user=person, **data)
        messages.success(request, _("The changes have been saved."))
        return redirect("accounts:user_detail", user_id=person.pk)
    cards_issued = LoginToken.objects.filter(user=person, purpose=LoginToken.Purpose.LOGIN_CARD).order_by("-created_at")
    return render(
        request,
        "accounts/user_detail.html",
        {
            "form": form,
            "person": person,
            "person_panels": hooks.person_panels,
            "cards": cards_issued,
            "can_card": permissions.can_issue_login_card(request.user, person),
            "can_reset_code": permissions.can_reset_second_factor(request.user, person)
            and selectors.has_authenticator(person),
        },
    )


@allowed_if(permissions.can_manage_users)
@require_POST
def login_card(request: HttpRequest, user_id: int) -> HttpResponse:
    """Prints a new login card; the earlier card of this person stops working."""
    person = _managed_user(request, user_id, rule=permissions.can_issue_login_card)
    issued = services.login_card_issue(actor=request.user, user=person)
    pdf = cards.login_card_pdf(
        user=person, url=services.login_card_url(issued.secret), label=issued.token.label, organisation=request.tenant
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="login-card-{person.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@allowed_if(permissions.can_manage_users)
@require_POST
def login_card_revoke(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _managed_user(request, user_id)
    if services.login_card_revoke_all(actor=request.user, user=person):
        messages.success(request, _("The login card no longer works."))
    return redirect("accounts:user_detail", user_id=person.pk)


@allowed_if(permissions.can_manage_users)
@require_POST
def invitation_resend(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _managed_user(request, user_id)
    if person.email and person.is_active:
        services.invitation_send(actor=request.user, user=person)
        messages.success(request, _("A new invitation is on its way to %(email)s.") % {"email": person.email})
    return redirect("accounts:user_detail", user_id=person.pk)


@allowed_if(permissions.can_manage_users)
@require_POST
def second_factor_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """A lost phone: the person's authenticator app is removed and their sessions end."""
    person = _managed_user(request, user_id, rule=permissions.can_reset_second_factor)
    second_factor.second_factor_reset(actor=request.user, user=person)
    messages.success(request, _("The sign-in code of %(name)s is reset.") % {"name": person.full_name})
    return redirect("accounts:user_detail", user_id=person.pk)
