"""Operator admins add and remove the operator's own staff in the portal; new staff accept their invitation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import permissions
from helpdesk.accounts import services
from helpdesk.accounts.forms import OperatorStaffForm
from helpdesk.accounts.models import PUBLIC_ROLES, LoginToken, User
from helpdesk.accounts.views.signin import password_choose
from helpdesk.decorators import allowed_if, portal_page


def _staff_member(user_id: int) -> User:
    """Someone of the operator's staff (never a tenant's person: this is the public schema)."""
    return get_object_or_404(User, pk=user_id, role__in=PUBLIC_ROLES)


@portal_page(permissions.can_manage_operator_staff)
@require_http_methods(["GET", "POST"])
def staff_list(request: HttpRequest) -> HttpResponse:
    form = OperatorStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.operator_staff_invite(actor=request.user, **form.cleaned_data)
        messages.success(request, _("%(name)s is added. The invitation is on its way.") % {"name": user.full_name})
        return redirect("accounts:staff")
    staff = User.objects.filter(role__in=PUBLIC_ROLES).order_by("-is_active", "full_name")
    return render(request, "accounts/portal_staff.html", {"form": form, "staff": staff})


@portal_page(permissions.can_manage_operator_staff)
@require_POST
def staff_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    member = _staff_member(user_id)
    if not services.operator_staff_deactivate(actor=request.user, user=member):
        raise Http404  # oneself, or someone already without access
    messages.success(request, _("%(name)s can no longer sign in.") % {"name": member.full_name})
    return redirect("accounts:staff")


@portal_page(permissions.can_manage_operator_staff)
@require_POST
def staff_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    member = _staff_member(user_id)
    if not services.operator_staff_reactivate(actor=request.user, user=member):
        raise Http404
    messages.success(request, _("%(name)s can sign in again.") % {"name": member.full_name})
    return redirect("accounts:staff")


@portal_page(permissions.can_manage_operator_staff)
@require_POST
def staff_invitation_resend(request: HttpRequest, user_id: int) -> HttpResponse:
    member = _staff_member(user_id)
    if not services.operator_staff_invitation_resend(actor=request.user, user=member):
        raise Http404
    messages.success(request, _("A new invitation is on its way to %(email)s.") % {"email": member.email})
    return redirect("accounts:staff")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, secret: str) -> HttpResponse:
    """The invitation link from the e-mail. GET only asks; the button signs in to choose a password."""
    purpose = LoginToken.Purpose.INVITATION
    if request.method == "GET":
        return render(request, "accounts/redeem.html", {"purpose": purpose})
    user = services.token_redeem(secret=secret, purposes=(purpose,))
    if user is None:
        return render(request, "accounts/link_invalid.html", {"purpose": purpose}, status=410)
    services.user_sign_in(request=request, user=user, backend=services.TOKEN_BACKEND, how=purpose)
    return redirect("accounts:staff_password")


@allowed_if(permissions.can_set_operator_password)
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest) -> HttpResponse:
    """Choosing a password; the second factor comes next, on the code page."""
    return password_choose(request, then="accounts:otp")
