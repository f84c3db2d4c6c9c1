"""Instructions for the knowledge base tests: shared ones in public, own ones in an organisation.

People come from the cast in tests/conftest.py; `colleague_a` is a second experienced volunteer.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context, tenant_context
from PIL import Image

from helpdesk.accounts.models import Role
from knowledgebase import services
from knowledgebase.services import StepInput
from knowledgebase.stores import OWN, SHARED
from tenants.models import Product


def steps_of(*texts: str) -> list[StepInput]:
    return [StepInput(text=text) for text in texts]


def shared_published(title: str, *, product: str = "beeldbel-tablet", needs: str = "", steps=None, actor=None):
    """A shared instruction, written and published in the portal's schema."""
    with schema_context("public"):
        instruction = services.instruction_create(
            store=SHARED,
            actor=actor,
            product=Product.objects.get(slug=product),
            title=title,
            needs=needs,
            steps=steps or steps_of("Druk op de knop."),
        )
        services.instruction_publish(actor=actor, instruction=instruction)
        instruction.refresh_from_db()
        return instruction


def own_published(organisation, title: str, *, product: str = "beeldbel-tablet", needs: str = "", steps=None):
    with tenant_context(organisation):
        instruction = services.instruction_create(
            store=OWN,
            actor=None,
            product=Product.objects.get(slug=product),
            title=title,
            needs=needs,
            steps=steps or steps_of("Druk op de knop."),
        )
        services.instruction_publish(actor=None, instruction=instruction)
        instruction.refresh_from_db()
        return instruction


def own_draft(organisation, title: str, *, actor=None, product: str = "beeldbel-tablet"):
    with tenant_context(organisation):
        return services.instruction_create(
            store=OWN,
            actor=actor,
            product=Product.objects.get(slug=product),
            title=title,
            steps=steps_of("Een stap."),
        )


def png_upload(name: str = "stap.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1d5a8c").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def colleague_a(org_a, make_user):
    """A second experienced volunteer of A, to review what volunteer_a wrote."""
    return make_user(org_a, role=Role.VOLUNTEER, requester_kind="", full_name="Bram Ervaren")
