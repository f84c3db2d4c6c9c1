"""Improvement actions (verbeteracties) and users per product."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.decorators import allowed_if
from reporting import months
from reporting.forms import ActionForm, ProductUsersForm, ProductUsersUploadForm
from reporting.models import ImprovementAction, Report
from reporting.permissions import can_manage_actions, can_record_product_users
from reporting.presenting import cause_label
from reporting.selectors import actions_list, product_users_rows
from reporting.services import action_advance, action_create, action_update, product_users_import, product_users_set
from reporting.views.common import products, this_month


def _suggestions() -> list[dict]:
    """Bottlenecks that grew two months in a row in the last ready report, without an open action."""
    report = Report.objects.filter(status=Report.Status.READY).order_by("-month").first()
    if report is None:
        return []
    open_pairs = set(actions_list(open_only=True).values_list("product_id", "cause"))
    return [
        {"name": row["name"], "product": row["product"], "cause": row["cause"], "label": cause_label(row["cause"])}
        for row in report.figures["bottlenecks"]["growing"]
        if (row["product"], row["cause"]) not in open_pairs
    ]


@allowed_if(can_manage_actions)
def action_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/actions.html", {"actions": actions_list(), "suggestions": _suggestions()})


def _form(request: HttpRequest, instance: ImprovementAction | None = None) -> ActionForm:
    initial = {}
    if instance is None:
        initial = {key: request.GET[key] for key in ("product", "cause") if request.GET.get(key, "").isalnum()}
        initial.setdefault("owner", request.user.pk)
        if "cause" in initial:
            initial["measure"] = "cause"
    return ActionForm(
        request.POST or None, instance=instance, initial=initial, products=products(), this_month=this_month()
    )


@allowed_if(can_manage_actions)
def action_new(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        action_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The improvement action is saved."))
        return redirect("reporting:actions")
    return render(
        request, "reporting/action_form.html", {"form": form, "action": None}, status=400 if form.errors else 200
    )


@allowed_if(can_manage_actions)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ImprovementAction, pk=pk)
    form = _form(request, action)
    if request.method == "POST" and form.is_valid():
        action_update(actor=request.user, action=action, **form.cleaned_data)
        messages.success(request, _("The improvement action is saved."))
        return redirect("reporting:actions")
    return render(
        request, "reporting/action_form.html", {"form": form, "action": action}, status=400 if form.errors else 200
    )


@require_POST
@allowed_if(can_manage_actions)
def action_next_stage(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ImprovementAction, pk=pk)
    action_advance(actor=request.user, action=action)
    messages.success(
        request, _("“%(title)s” is now at: %(stage)s.") % {"title": action.title, "stage": action.get_stage_display()}
    )
    return redirect("reporting:actions")


@allowed_if(can_record_product_users)
def product_users(request: HttpRequest) -> HttpResponse:
    form = ProductUsersForm(request.POST or None, products=products(), this_month=this_month())
    upload = ProductUsersUploadForm()
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("form") == "upload":
        upload = ProductUsersUploadForm(request.POST, request.FILES)
        form = ProductUsersForm(products=products(), this_month=this_month())
        if upload.is_valid():
            result = product_users_import(
                actor=request.user, data=upload.cleaned_data["file"], products=list(products())
            )
            if not result.errors:
                messages.success(request, _("%(n)s counts saved.") % {"n": result.saved})
                return redirect("reporting:users")
            errors = result.errors
    elif request.method == "POST" and form.is_valid():
        product_users_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The number of users is saved."))
        return redirect("reporting:users")
    context = {
        "form": form,
        "upload_form": upload,
        "import_errors": errors,
        "rows": product_users_rows(),
        "has_errors": bool(form.errors or upload.errors or errors),
        "this_month": months.parse_month(f"{this_month():%Y-%m}"),
    }
    return render(request, "reporting/users.html", context, status=400 if context["has_errors"] else 200)
