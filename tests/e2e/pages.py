"""Every page of the foundation, and how a browser gets there.

Shared by the page checks (test_pages.py) and the screenshots (screenshots.py). Selectors use
ids, addresses and form actions, never interface text, so the tests pass in Dutch and English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context

from helpdesk.accounts import services
from helpdesk.accounts.models import Role
from tenants.models import CareOrganisation
from tests.e2e.support import People, Visitor, pending_organisation
from tests.signing_in import session_key, sign_in


@dataclass(frozen=True)
class Screen:
    name: str
    open: Callable[[Visitor, People], None]
    rejected: bool = False  # shows a form that was sent back with errors
    end_user: bool = True  # an organisation's page, where body text must be at least 18 px
    shows: str = ""  # a selector only the intended page matches: not an error page, not a sign-in form


NAMES = {"requester": "Anja Visser", "volunteer": "Fatima El Amrani", "manager": "Marieke Jansen"}


def _go(visitor: Visitor, url: str) -> None:
    visitor.page.goto(url, wait_until="load")


def _submit(visitor: Visitor, form: str = "main form") -> None:
    with visitor.page.expect_navigation(wait_until="load"):
        visitor.page.locator(f"{form} button[type=submit]").first.click()


def _tenant(path: str = "/") -> Callable[[Visitor, People], None]:
    def open_page(visitor: Visitor, people: People) -> None:
        _go(visitor, visitor.server.tenant("test-a", path))

    return open_page


def _tenant_as(role: str, path: str = "/", then_submit: bool = False) -> Callable[[Visitor, People], None]:
    def open_page(visitor: Visitor, people: People) -> None:
        visitor.sign_in_as(people.member(role, full_name=NAMES[role]))
        _go(visitor, visitor.server.tenant("test-a", path))
        if then_submit:
            _submit(visitor)

    return open_page


def _sign_in_errors(form: str) -> Callable[[Visitor, People], None]:
    def open_page(visitor: Visitor, people: People) -> None:
        _go(visitor, visitor.server.tenant("test-a", "/account/sign-in/"))
        _submit(visitor, form)

    return open_page


def _invalid_link(visitor: Visitor, people: People) -> None:
    _go(visitor, visitor.server.tenant("test-a", "/account/sign-in/link/no-such-link/"))
    _submit(visitor)


def _person_detail(visitor: Visitor, people: People) -> None:

    manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
    client = people.member(Role.REQUESTER, with_email=False, full_name="Gerrit Bakker-van den Heuvelstraat")
    with schema_context("org_test_a"):
        services.login_card_issue(actor=manager, user=client)
        services.login_card_issue(actor=manager, user=client)
    visitor.sign_in_as(manager)
    _go(visitor, visitor.server.tenant("test-a", f"/account/people/{client.pk}/"))


def _people(visitor: Visitor, people: People) -> None:
    manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
    people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    people.member(Role.REQUESTER, with_email=False, full_name="Gerrit Bakker")
    visitor.sign_in_as(manager)
    _go(visitor, visitor.server.tenant("test-a", "/account/people/"))


def _audit_log(visitor: Visitor, people: People) -> None:

    manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
    client = people.member(Role.REQUESTER, with_email=False, full_name="Gerrit Bakker")
    with schema_context("org_test_a"):
        services.login_card_issue(actor=manager, user=client)
    visitor.sign_in_as(manager)
    _go(visitor, visitor.server.tenant("test-a", "/account/audit/"))


def _audit_log_filtered(visitor: Visitor, people: People) -> None:
    """The log narrowed to one person, with the download of their entries and several pages."""
    manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
    client = people.member(Role.REQUESTER, with_email=False, full_name="Gerrit Bakker")
    with schema_context("org_test_a"):
        for _ in range(60):
            services.login_card_issue(actor=manager, user=client)
    visitor.sign_in_as(manager)
    _go(visitor, visitor.server.tenant("test-a", f"/account/audit/?person={client.pk}&page=2"))


def _person_erase(then_submit: bool = False) -> Callable[[Visitor, People], None]:
    def open_page(visitor: Visitor, people: People) -> None:
        manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
        client = people.member(Role.REQUESTER, with_email=False, full_name="Gerrit Bakker")
        visitor.sign_in_as(manager)
        _go(visitor, visitor.server.tenant("test-a", f"/account/people/{client.pk}/erase/"))
        if then_submit:
            _submit(visitor)

    return open_page


def _organisation_offboard(then_submit: bool = False) -> Callable[[Visitor, People], None]:
    def open_page(visitor: Visitor, people: People) -> None:
        organisation = CareOrganisation.objects.get(slug="test-a")
        _portal(f"/organisations/{organisation.pk}/offboard/", then_submit=then_submit)(visitor, people)

    return open_page


def _not_ready(visitor: Visitor, people: People) -> None:
    _go(visitor, visitor.server.tenant(pending_organisation().slug))


def _portal(path: str, *, device: bool = True, verified: bool = True, then_submit: bool = False):
    def open_page(visitor: Visitor, people: People) -> None:
        visitor.sign_in_as(people.operator(device=device), slug="public", verified=verified)
        _go(visitor, visitor.server.portal(path))
        if then_submit:
            _submit(visitor)

    return open_page


def _portal_sign_in(then_submit: bool = False):
    def open_page(visitor: Visitor, people: People) -> None:
        _go(visitor, visitor.server.portal("/account/sign-in/"))
        if then_submit:
            _submit(visitor)

    return open_page


def _organisation_detail(slug: str | None, page: str = "", *, blank: str = ""):
    """An organisation's page in the portal; `blank` empties that field and sends the form."""

    def open_page(visitor: Visitor, people: People) -> None:
        organisation = CareOrganisation.objects.get(slug=slug) if slug else pending_organisation()
        _portal(f"/organisations/{organisation.pk}/{page}")(visitor, people)
        if blank:
            visitor.page.fill(f"#{blank}", "")
            _submit(visitor)

    return open_page


def _portal_staff_errors(visitor: Visitor, people: People) -> None:
    _portal("/account/staff/")(visitor, people)
    _submit(visitor, "form:has(#id_email)")


def _manager_code_setup(visitor: Visitor, people: People) -> None:
    """A manager who gave the password only, without an authenticator app yet."""
    manager = people.member(Role.MANAGER, full_name=NAMES["manager"])
    organisation = CareOrganisation.objects.get(slug="test-a")
    client = sign_in(Client(), organisation, manager, verified=False)
    url = visitor.server.tenant("test-a")
    visitor.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key(client), "url": url}])
    _go(visitor, visitor.server.tenant("test-a", "/account/sign-in/code/?next=/account/people/"))


def _person_with_code(visitor: Visitor, people: People) -> None:
    """A volunteer's page for the manager, with the button to reset their sign-in code."""
    manager = people.member(Role.MANAGER, full_name=NAMES["manager"])
    volunteer = people.member(Role.VOLUNTEER, device=True, full_name=NAMES["volunteer"])
    visitor.sign_in_as(manager)
    _go(visitor, visitor.server.tenant("test-a", f"/account/people/{volunteer.pk}/"))


SCREENS = [
    Screen("tenant-home", _tenant("/")),
    Screen("tenant-home-requester", _tenant_as("requester")),
    Screen("tenant-home-volunteer", _tenant_as("volunteer")),
    Screen("tenant-home-manager", _tenant_as("manager")),
    Screen("sign-in", _tenant("/account/sign-in/")),
    Screen("sign-in-errors", _sign_in_errors("form:has(#id_link-email)"), rejected=True),
    Screen("sign-in-password-errors", _sign_in_errors("form:has(#id_staff-email)"), rejected=True),
    Screen("link-sent", _tenant("/account/sign-in/sent/")),
    Screen("redeem", _tenant("/account/sign-in/link/some-secret/")),
    Screen("invitation", _tenant("/account/invitation/some-secret/")),
    Screen("link-invalid", _invalid_link),
    Screen("set-password", _tenant_as("volunteer", "/account/password/")),
    Screen("set-password-errors", _tenant_as("volunteer", "/account/password/", then_submit=True), rejected=True),
    Screen("account", _tenant_as("volunteer", "/account/"), shows="a[href='/account/code/on/']"),
    Screen("code-on", _tenant_as("volunteer", "/account/code/on/"), shows=".qr"),
    Screen("code-on-errors", _tenant_as("volunteer", "/account/code/on/", then_submit=True), rejected=True),
    Screen("manager-code-setup", _manager_code_setup, shows=".qr"),
    Screen("person-detail-code", _person_with_code, shows="form[action$='/code/reset/']"),
    Screen("people", _people),
    Screen("person-new", _tenant_as("manager", "/account/people/new/")),
    Screen("person-new-errors", _tenant_as("manager", "/account/people/new/", then_submit=True), rejected=True),
    Screen("person-detail", _person_detail),
    Screen("audit-log", _audit_log),
    Screen("audit-log-person", _audit_log_filtered, shows="a[href*='/account/audit/person/']"),
    Screen("person-erase", _person_erase(), shows="form[action$='/erase/']"),
    Screen("person-erase-errors", _person_erase(then_submit=True), rejected=True),
    Screen("unknown-host", lambda visitor, people: _go(visitor, visitor.server.tenant("nobody"))),
    Screen("not-ready", _not_ready),
    Screen("portal-sign-in", _portal_sign_in(), end_user=False),
    Screen("portal-sign-in-errors", _portal_sign_in(then_submit=True), rejected=True, end_user=False),
    Screen("portal-otp-setup", _portal("/account/sign-in/code/", device=False, verified=False), end_user=False),
    Screen("portal-otp", _portal("/account/sign-in/code/", verified=False), end_user=False),
    Screen(
        "portal-otp-errors",
        _portal("/account/sign-in/code/", verified=False, then_submit=True),
        rejected=True,
        end_user=False,
    ),
    Screen("portal-home", _portal("/"), end_user=False),
    Screen("organisation-new", _portal("/organisations/new/"), end_user=False),
    Screen("organisation-new-errors", _portal("/organisations/new/", then_submit=True), rejected=True, end_user=False),
    Screen("organisation-detail", _organisation_detail("test-a"), end_user=False),
    Screen("organisation-detail-provisioning", _organisation_detail(None), end_user=False),
    Screen("organisation-edit", _organisation_detail("test-a", "edit/"), end_user=False),
    Screen(
        "organisation-edit-errors",
        _organisation_detail("test-a", "edit/", blank="id_name"),
        rejected=True,
        end_user=False,
    ),
    Screen("organisation-close", _organisation_detail("test-a", "close/"), end_user=False),
    Screen("portal-staff", _portal("/account/staff/"), end_user=False),
    Screen("portal-staff-errors", _portal_staff_errors, rejected=True, end_user=False),
    Screen(
        "portal-invitation",
        lambda visitor, people: _go(visitor, visitor.server.portal("/account/invitation/some-secret/")),
        end_user=False,
    ),
    Screen("organisation-restore", _portal("/organisations/restore/"), end_user=False),
    Screen(
        "organisation-restore-errors",
        _portal("/organisations/restore/", then_submit=True),
        rejected=True,
        end_user=False,
    ),
    Screen("organisation-offboard", _organisation_offboard(), end_user=False, shows="form[action$='/offboard/']"),
    Screen("organisation-offboard-errors", _organisation_offboard(then_submit=True), rejected=True, end_user=False),
]
