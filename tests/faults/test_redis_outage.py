"""With Redis stopped, asking, answering and solving still work and are saved; the e-mails they
cause wait in the outbox and go out once, when Redis is back and the relay runs."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from helpdesk.accounts.models import AuditEvent, Role, User
from helpdesk.outbox.models import OutboxMessage
from helpdesk.outbox.services import outbox_relay
from tenants.models import CareOrganisation, Product
from tests import factories
from tests.signing_in import sign_in
from tests.workers import WAIT, mails, mails_to
from tickets.models import Ticket

pytestmark = pytest.mark.worker

ASKER = "outage-asker@example.org"


def ask(client: Client) -> None:
    """A stranger asks through the real pages and wants the answer by e-mail."""
    product = str(Product.objects.get(slug="beeldbel-tablet").pk)
    assert client.post("/questions/ask/product/", {"product": product}).status_code == 302
    question = {"subject": "Storing tijdens storing", "body": "Mijn tablet doet niets.", "website": ""}
    assert client.post("/questions/ask/question/", question).status_code == 302
    assert client.post("/questions/ask/for_whom/", {"for_whom": "me"}).status_code == 302
    contact = {"contact_method": "email", "contact_name": "Olga Uitval", "contact_email": ASKER}
    assert client.post("/questions/ask/contact/", contact).url == "/questions/ask/check/"
    assert client.post("/questions/ask/check/").url == "/questions/ask/sent/"


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT * 2
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {WAIT * 2} s")
        time.sleep(0.2)


def test_work_done_while_redis_is_down_is_saved_and_its_mail_goes_out_once_later(
    worker, committed, embedded_redis, mail_dir
):
    organisation = CareOrganisation.objects.get(slug="test-a")
    with schema_context(organisation.schema_name):
        volunteer = User.objects.create_user(
            email="outage-volunteer@example.org", full_name="Vera Uitval", role=Role.VOLUNTEER
        )
        before = set(OutboxMessage.objects.values_list("pk", flat=True))
    asker = Client(HTTP_HOST=organisation.host)
    helper = sign_in(Client(HTTP_HOST=organisation.host), organisation, volunteer)
    ticket = None
    started = timezone.now()
    embedded_redis.stop()
    try:
        ask(asker)
        with schema_context(organisation.schema_name):
            ticket = Ticket.objects.get(contact_email=ASKER)
        assert helper.post(f"/questions/{ticket.number}/reply/", {"body": "Zet hem uit en aan."}).status_code == 302
        assert helper.post(f"/questions/{ticket.number}/resolve/", {"resolve-cause": "explanation"}).status_code == 302
        with schema_context(organisation.schema_name):
            ticket.refresh_from_db()
            assert ticket.messages.filter(body="Zet hem uit en aan.").count() == 1
            assert ticket.resolved_at is not None
            waiting = OutboxMessage.objects.exclude(pk__in=before)
            tasks = set(waiting.values_list("task", flat=True))
            assert {
                "tickets.tasks.send_question_confirmation",
                "tickets.tasks.notify_requester_of_reply",
                "satisfaction.tasks.send_satisfaction_request",
            } <= tasks
            assert not waiting.filter(sent_at__isnull=False).exists()  # the broker took nothing
        assert mails(mail_dir) == []
    finally:
        embedded_redis.start()
    try:
        assert outbox_relay(older_than=timedelta(0)) >= 3

        def all_done() -> bool:
            with schema_context(organisation.schema_name):
                return not OutboxMessage.objects.exclude(pk__in=before).filter(done_at__isnull=True).exists()

        wait_until(all_done, "the worker finishing every relayed task")
        assert outbox_relay(older_than=timedelta(0)) == 0  # nothing is sent twice
        to_asker = mails_to(mail_dir, ASKER)
        subjects = sorted(message["Subject"] for message in to_asker)
        assert len(to_asker) == 3, subjects  # the confirmation, the answer, the question about how it went
        assert any(f"TSA-{ticket.number}" in subject for subject in subjects)
    finally:
        with schema_context(organisation.schema_name):
            if ticket is not None:
                ticket.delete()
            OutboxMessage.objects.exclude(pk__in=before).delete()
            factories.audit_rows_remove(AuditEvent.objects.filter(at__gte=started))
            volunteer.delete()
