"""A question for the support tests, asked by the cast's requester of organisation A."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tests.conftest import english_client
from tests.factories import ticket_make
from tests.signing_in import sign_in

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"
# Django templates write the apostrophe as &#x27;, the Jinja2 form fields as &#39; (decision 22).
HOSTILE_ESCAPED = (
    "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;",
    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
)


def shown_as_text(html: str) -> bool:
    """The hostile text is on the page, escaped, and nowhere as markup."""
    return "<script>alert" not in html and "<img src=x" not in html and any(form in html for form in HOSTILE_ESCAPED)


@pytest.fixture
def ticket(org_a, requester_a):
    with tenant_context(org_a):
        return ticket_make(requester=requester_a, subject="Tablet blijft zwart", body="Het scherm is zwart.")


@pytest.fixture
def as_(org_a):
    """as_(user): a fresh English browser on organisation A, signed in as `user`."""

    def signed_in(user):
        return sign_in(english_client(org_a.host), org_a, user)

    return signed_in
