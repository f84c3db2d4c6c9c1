"""Reading instructions without an account: by product, by search, one page per instruction."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from helpdesk.tenancy import current_organisation
from knowledgebase import counts, feedback, flow, selectors
from knowledgebase.content import RevisionStatus
from knowledgebase.forms import ReasonForm, SearchForm
from knowledgebase.models import Picture, Source, Step
from knowledgebase.permissions import can_write_instructions
from knowledgebase.selectors import Reading
from knowledgebase.shared.models import SharedPicture, SharedStep
from tenants.models import Product
from tickets.views.ask import ask_forget


def index(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    question = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = selectors.search(question, limit=10) if question else []
    context = {
        "form": form,
        "question": question,
        "results": results,
        "products": current_organisation().active_products(),
    }
    return render(request, "knowledgebase/index.html", context)


def product_list(request: HttpRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(Product, slug=slug, retired_at__isnull=True)
    items = selectors.list_for_product(product)
    return render(request, "knowledgebase/product.html", {"product": product, "items": items})


def _page(request: HttpRequest, reading: Reading) -> HttpResponse:
    counts.view_record(source=reading.source, pk=reading.pk, product_id=reading.product.pk)
    flow.opened(request, reading.source, reading.pk)
    context = {
        "reading": reading,
        "in_flow": flow.suggested(request, reading.key),
        "continue_url": flow.continue_url(request),
        "ask_url": _ask_url(reading),
    }
    return render(request, "knowledgebase/instruction.html", context)


def own(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.reading_own(pk))


def shared(request: HttpRequest, pk: int) -> HttpResponse:
    adaptation = selectors.adaptation_of(pk)
    if adaptation is not None:
        return redirect("knowledgebase:own", pk=adaptation)
    return _page(request, selectors.reading_shared(pk))


def _reading_of(source: str, pk: int) -> Reading:
    return selectors.reading_shared(pk) if source == Source.SHARED else selectors.reading_own(pk)


@require_POST
def helped(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    """ "Heeft dit geholpen?": yes ends an ask flow as solved; no asks why, then offers a person.

    One answer per browser per instruction per day (knowledgebase.feedback); too many from one
    address are refused kindly. Ending one's own ask flow is never refused: it counts once anyway.
    """
    reading = _reading_of(source, pk)
    answer = request.POST.get("helped")
    if answer == "yes":
        counted = feedback.answer(request, reading, helped=True)
        solved = flow.solved(request, reading.source, reading.pk)
        if solved:
            ask_forget(request)
        elif not counted:
            return _too_many(request, reading)
        return render(request, "knowledgebase/helped.html", {"reading": reading, "solved": solved})
    if answer == "no":
        if not feedback.answer(request, reading, helped=False):
            return _too_many(request, reading)
        return _not_helped(request, reading, ReasonForm())
    form = ReasonForm(request.POST)
    if form.is_valid():
        feedback.reason_set(request, reading, form.cleaned_data["reason"])
        return _not_helped(request, reading, None)
    return _not_helped(request, reading, form)


def _too_many(request: HttpRequest, reading: Reading) -> HttpResponse:
    context = {"reading": reading, "ask_url": _ask_url(reading)}
    return render(request, "knowledgebase/too_many_answers.html", context, status=429)


def _ask_url(reading: Reading) -> str:
    return f"{reverse('tickets:ask_start')}?product={reading.product.pk}"


def _not_helped(request: HttpRequest, reading: Reading, form: ReasonForm | None) -> HttpResponse:
    context = {
        "reading": reading,
        "form": form,
        "in_flow": flow.suggested(request, reading.key),
        "continue_url": flow.continue_url(request),
        "ask_url": _ask_url(reading),
    }
    return render(request, "knowledgebase/not_helped.html", context)


# --- Pictures -----------------------------------------------------------------------------------------


def send_picture(picture: Picture | SharedPicture) -> HttpResponse:
    try:
        stored = picture.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(stored, content_type=picture.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def picture(request: HttpRequest, pk: int) -> HttpResponse:
    """A picture of an own instruction: readers see those of published revisions; writers all."""
    item = get_object_or_404(Picture, pk=pk)
    published = Step.objects.filter(picture=item, revision__status=RevisionStatus.PUBLISHED).exists()
    if not published and not can_write_instructions(request.user):
        raise Http404
    return send_picture(item)


def shared_picture(request: HttpRequest, pk: int) -> HttpResponse:
    """A picture of a shared instruction or course, for the products this organisation supports."""
    item = get_object_or_404(SharedPicture, pk=pk)
    products = selectors.product_ids()
    in_instruction = SharedStep.objects.filter(
        picture=item, revision__status=RevisionStatus.PUBLISHED, revision__instruction__product_id__in=products
    ).exists()
    if not in_instruction and not selectors.picture_in_course(item.pk):
        raise Http404
    return send_picture(item)
