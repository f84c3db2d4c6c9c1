"""The demo data a newcomer gets from `make run`: two organisations with people in every role."""

from __future__ import annotations

from django.core import mail
from django.core.management import call_command
from django_tenants.utils import schema_context

from demo import load as demo
from demo.management.commands.load_demo import mail_not_sent
from escalations.models import EscalationEntry
from helpdesk.accounts.models import Role, User
from tenants.models import CareOrganisation, Product
from tests.conftest import current_user, english_client
from tickets.models import OPEN_STATUSES, SavedReply, Ticket


def test_demo_loads_organisations_people_and_staff_and_can_run_again(db, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
        call_command("load_demo")  # a second start changes nothing

    assert Product.objects.count() == len(demo.PRODUCTS)
    assert User.objects.filter(email__in=[email for _role, email, _name in demo.OPERATOR_STAFF]).count() == 2
    for spec in demo.ORGANISATIONS:
        organisation = CareOrganisation.objects.get(slug=spec["slug"])
        assert organisation.status == CareOrganisation.Status.ACTIVE
        with schema_context(organisation.schema_name):
            assert User.objects.exclude(role=Role.PROFESSIONAL).count() == len(demo.PEOPLE)
            assert set(User.objects.values_list("role", flat=True)) == {
                Role.MANAGER,
                Role.VOLUNTEER,
                Role.REQUESTER,
                Role.PROFESSIONAL,  # the shadow account of the demo professional who took one over
            }
            statuses = set(Ticket.objects.values_list("status", flat=True))
            assert statuses == {"new", "in_progress", "waiting_for_requester", "resolved", "closed"}, statuses
            # The open ones: the year of history for the reports holds closed questions the professionals solved.
            escalated = Ticket.objects.filter(tier="professional", status__in=OPEN_STATUSES)
            assert escalated.count() == len(demo.ESCALATED_QUESTIONS)
            assert escalated.filter(is_worry=True).count() == 1
            assert escalated.filter(assignee__role=Role.PROFESSIONAL).count() == 1
        assert EscalationEntry.objects.filter(organisation=organisation).count() == len(demo.ESCALATED_QUESTIONS)
        assert organisation.contact_person_email
        with schema_context(organisation.schema_name):
            assert SavedReply.objects.count() == len(demo.SAVED_REPLIES)

    call_command("demo_accounts")
    printed = capsys.readouterr().out
    assert "amphora.localhost" in printed
    assert demo.DEMO_PASSWORD in printed


def test_demo_volunteer_signs_in_with_the_printed_password(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.load()
    amphora = CareOrganisation.objects.get(slug="amphora")
    browser = english_client(amphora.host)

    browser.post(
        "/account/sign-in/",
        {"staff-email": demo.demo_email(Role.VOLUNTEER, "Henk", "amphora"), "staff-password": demo.DEMO_PASSWORD},
    )

    assert current_user(browser).full_name == "Henk de Vries"


def test_demo_manager_signs_in_with_the_password_and_the_printed_code(db, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        demo.load()
    amphora = CareOrganisation.objects.get(slug="amphora")
    browser = english_client(amphora.host)
    manager = demo.demo_email(Role.MANAGER, "Marieke", "amphora")

    signed_in = browser.post("/account/sign-in/", {"staff-email": manager, "staff-password": demo.DEMO_PASSWORD})
    assert browser.get(signed_in["Location"])["Location"].startswith("/account/sign-in/code/")
    call_command("demo_accounts", "--codes")
    code = capsys.readouterr().out.strip()
    confirmed = browser.post("/account/sign-in/code/", {"code": code, "next": "/account/people/"})

    assert confirmed["Location"] == "/account/people/"
    assert browser.get("/account/people/").status_code == 200


def test_demo_load_skips_when_asked_and_organisations_exist(db, capsys):
    call_command("load_demo", "--if-empty")  # the two test organisations already exist

    assert "already there" in capsys.readouterr().out
    assert not CareOrganisation.objects.filter(slug="amphora").exists()


def test_demo_loads_without_sending_its_mail(db, django_capture_on_commit_callbacks):
    # The callbacks run inside, as they do when `make run` loads the demo outside a transaction.
    with mail_not_sent(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        demo.load()

    assert callbacks  # the demo's work did dispatch tasks: invitations, confirmations, notices
    assert mail.outbox == []


def test_make_otp_prints_just_the_code(capsys):
    call_command("demo_accounts", "--codes")

    printed = capsys.readouterr().out
    assert printed.strip().isdigit()
    assert len(printed.strip()) == 6
