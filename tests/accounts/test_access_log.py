"""The access log (NEN 7513): complete rows, refused changes, a hash chain, and the requester's view."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django_tenants.utils import tenant_context

from helpdesk.accounts import audit_chain
from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import AuditEvent
from helpdesk.accounts.tasks import seal_audit_chains
from tests.conftest import english_client
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked_for_mother(in_org, requester_a):
    """Riet asks on behalf of her mother, the client whose data the question is."""
    return ticket_make(requester=requester_a, on_behalf_of_name="Mevrouw Bos", on_behalf_relation="informal_carer")


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("pk")


def test_a_look_records_who_whose_data_and_where_from(org_a, asked_for_mother, volunteer_a, requester_a):
    client = sign_in(english_client(org_a.host), org_a, volunteer_a)
    client.get(f"/questions/{asked_for_mother.number}/", REMOTE_ADDR="192.0.2.44")

    with tenant_context(org_a):
        event = _last("ticket_viewed")
    assert event.actor_id == volunteer_a.pk and volunteer_a.full_name in event.actor_label
    assert event.subject_id == requester_a.pk
    assert event.subject_label == "Mevrouw Bos"
    assert event.target_label == f"TSA-{asked_for_mother.number}"
    assert event.ip_address == "192.0.2.44"
    assert event.at is not None and event.operator_account_id is None


def test_a_professional_is_logged_with_their_operator_account(org_a, asked_for_mother, professional_a):
    client = sign_in(english_client(org_a.host), org_a, professional_a)
    client.get(f"/questions/{asked_for_mother.number}/")

    with tenant_context(org_a):
        event = _last("ticket_viewed")
    assert event.actor_id == professional_a.pk
    assert event.operator_account_id == professional_a.public_user_id is not None
    assert event.is_by_professional


def test_a_requester_without_account_is_logged_by_the_name_they_gave(in_org):
    ticket = ticket_make(contact_name="Henk de Boer")
    services.reply_post(ticket=ticket, actor=None, body="Het werkt nog steeds niet.")

    assert _last("ticket_created").actor_label == "Henk de Boer"
    assert _last("ticket_replied").actor_label == "Henk de Boer"
    assert not _last("ticket_replied").is_by_system


@pytest.mark.parametrize("change", ["update", "delete", "queryset_update", "queryset_delete", "truncate"])
def test_the_application_cannot_change_or_delete_a_row(in_org, volunteer_a, change):
    event = audit(actor=volunteer_a, action="ticket_viewed")
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"), transaction.atomic():
        if change == "update":
            event.action = "nothing_happened"
            event.save()
        elif change == "delete":
            event.delete()
        elif change == "queryset_update":
            AuditEvent.objects.filter(pk=event.pk).update(actor_label="Someone else")
        elif change == "queryset_delete":
            AuditEvent.objects.all().delete()
        else:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE accounts_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).action == "ticket_viewed"


def test_sealing_may_fill_in_the_chain_but_nothing_else(in_org, volunteer_a):
    event = audit(actor=volunteer_a, action="ticket_viewed")
    audit_chain.seal()
    event.refresh_from_db()
    assert event.position and len(event.entry_hash) == 64
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(entry_hash="0" * 64)


def test_every_row_carries_the_hash_of_the_one_before(in_org, volunteer_a):
    first = audit(actor=volunteer_a, action="ticket_viewed")
    second = audit(actor=volunteer_a, action="ticket_claimed")
    audit_chain.seal()
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.previous_hash == first.entry_hash
    assert second.position == first.position + 1
    assert audit_chain.verify().is_intact


def _tamper(sql: str, params: list) -> None:
    """Changes the log around the application, as a database superuser could."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_auditevent SET actor_label = 'Iemand anders' WHERE id = %s",
        "DELETE FROM accounts_auditevent WHERE id = %s",
    ],
)
def test_the_check_command_finds_a_row_changed_or_removed_by_sql(org_a, in_org, volunteer_a, sql, capsys):
    rows = [audit(actor=volunteer_a, action="ticket_viewed", n=n) for n in range(3)]
    call_command("verify_audit_chain", schema=[org_a.schema_name])
    assert "chain intact" in capsys.readouterr().out

    _tamper(sql, [rows[1].pk])

    with pytest.raises(CommandError):
        call_command("verify_audit_chain", schema=[org_a.schema_name])
    assert "chain broken" in capsys.readouterr().err


def test_a_new_organisations_log_is_guarded_too(org_b, volunteer_b):
    # Organisations are cloned from the template schema; the trigger must come along.
    with tenant_context(org_b):
        event = audit(actor=volunteer_b, action="ticket_viewed")
        with pytest.raises(DatabaseError), transaction.atomic():
            event.delete()


def test_the_requester_sees_who_looked_at_their_question(org_a, asked_for_mother, volunteer_a, manager_a, requester_a):
    helper = sign_in(english_client(org_a.host), org_a, volunteer_a)
    helper.get(f"/questions/{asked_for_mother.number}/")
    helper.get(f"/questions/{asked_for_mother.number}/")

    requester = sign_in(english_client(org_a.host), org_a, requester_a)
    page = requester.get(f"/questions/{asked_for_mother.number}/follow/").content.decode()
    assert "Who looked at my question?" in page
    assert volunteer_a.full_name in page and "2 times" in page
    assert manager_a.full_name not in page
    assert "192.0.2" not in page and "@" not in page.split("Who looked")[1].split("</section>")[0]


def test_the_beat_task_seals_what_the_pages_wrote_and_skips_a_busy_chain(org_a, in_org, volunteer_a):
    helper = sign_in(english_client(org_a.host), org_a, volunteer_a)
    ticket = ticket_make()
    assert helper.get(f"/questions/{ticket.number}/").status_code == 200
    connection.set_tenant(org_a)  # the request left the connection on the public schema
    # The page wrote its row and nothing more: no seal on the request's way out.
    viewed = AuditEvent.objects.get(action="ticket_viewed", target_id=str(ticket.pk))
    assert viewed.position is None and viewed.entry_hash == ""

    # Another process holds the chain lock of this schema (on a connection of its own).
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [audit_chain._CHAIN_LOCK, in_org.schema_name])
        seal_audit_chains()  # gives this schema up at once instead of waiting
        connection.set_tenant(org_a)
        viewed.refresh_from_db()
        assert viewed.position is None
    finally:
        other.close()
    assert seal_audit_chains() >= 1  # the next run, once the lock is free, chains it
    connection.set_tenant(org_a)
    viewed.refresh_from_db()
    assert viewed.position and len(viewed.entry_hash) == 64
    assert not AuditEvent.objects.filter(position__isnull=True).exists()
    assert audit_chain.verify().is_intact
