"""The organisation's access log, for its managers: filtered, paged, and exported per person."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from helpdesk import permissions
from helpdesk.accounts import exports, selectors, services
from helpdesk.accounts.forms import AuditFilterForm
from helpdesk.accounts.models import User
from helpdesk.decorators import allowed_if

PAGE_SIZE = 50


@allowed_if(permissions.can_view_audit_log)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    criteria = selectors.AuditFilter(**form.cleaned_data) if form.is_valid() else selectors.AuditFilter()
    page = Paginator(selectors.audit_events(criteria), PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_names(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "person": criteria.person},
    )


@allowed_if(permissions.can_view_audit_log)
def audit_log_export(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    events = services.audit_log_export(actor=request.user, person=person)
    response = HttpResponse(exports.audit_csv(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-person-{person.pk}.csv"'
    return response
