"""An organisation's start page: what you can do here, from every app, depending on who you are."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk import permissions as core_permissions
from knowledgebase import permissions as knowledgebase_permissions
from support import permissions as support_permissions
from tenants import permissions as tenant_permissions
from tickets import permissions as ticket_permissions


def tenant_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_work = core_permissions.can_work_queue(user)
    context = {
        "is_requester": user.is_authenticated and user.is_requester,
        "is_helper": can_work,
        "is_manager": core_permissions.can_manage_users(user),
        "can_view_queue": ticket_permissions.can_view_queue(user),
        "can_take_intake": ticket_permissions.can_take_intake(user),
        "can_see_approvals": support_permissions.can_see_approvals(user),
        "can_keep_duty": ticket_permissions.can_keep_duty(user),
        "can_see_own_contribution": ticket_permissions.can_see_own_contribution(user),
        "can_view_audit_log": core_permissions.can_view_audit_log(user),
        "can_write_instructions": knowledgebase_permissions.can_write_instructions(user),
        "can_see_course_progress": knowledgebase_permissions.can_see_course_progress(user),
        "can_manage_settings": tenant_permissions.can_manage_organisation_settings(user, request.tenant),
    }
    return render(request, "core/home.html", context)
