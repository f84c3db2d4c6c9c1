"""Provisioning care organisations: a row now, a schema cloned from the template in a task."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists, tenant_context

from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import AuditEvent, Role, User
from helpdesk.accounts.services import invitation_send
from helpdesk.tasks import delay_on_commit
from tenants import tasks
from tenants.cloning import schema_clone
from tenants.hosts import organisation_forget
from tenants.models import CareOrganisation, Domain, Product
from tenants.product_choices import product_choices_forget

logger = logging.getLogger(__name__)


class ProvisioningError(Exception):
    pass


def organisation_create(
    *,
    actor: User | None,
    name: str,
    slug: str,
    reference_prefix: str,
    manager_email: str,
    manager_name: str = "",
    products: Iterable[Product] = (),
    brand_colour: str = "#1d5a8c",
    default_language: str = "nl",
    monthly_fee: Decimal = Decimal("0"),
    expected_questions_per_month: int = 0,
    help_phone: str = "",
) -> CareOrganisation:
    """Registers the organisation and sends its schema to be built in the background."""
    with transaction.atomic():
        organisation = CareOrganisation.objects.create(
            name=name,
            slug=slug,
            schema_name=CareOrganisation.schema_for_slug(slug),
            reference_prefix=reference_prefix.upper(),
            first_manager_email=manager_email.lower(),
            first_manager_name=manager_name.strip(),
            brand_colour=brand_colour,
            default_language=default_language,
            monthly_fee=monthly_fee,
            expected_questions_per_month=expected_questions_per_month,
            help_phone=help_phone,
            status=CareOrganisation.Status.PROVISIONING,
            provisioning_step="queued",
        )
        Domain.objects.create(domain=organisation.host, tenant=organisation, is_primary=True)
        organisation.products.set(products)
        audit(actor=actor, action="organisation_created", target=organisation, slug=slug)
        delay_on_commit(tasks.provision_organisation, organisation_id=organisation.pk)
    return organisation


def _step(organisation: CareOrganisation, step: str) -> None:
    CareOrganisation.objects.filter(pk=organisation.pk).update(provisioning_step=step)
    organisation.provisioning_step = step


def template_schema_ensure(*, verbosity: int = 0) -> None:
    """Creates or migrates the template schema that every new organisation is cloned from."""
    template = settings.TENANT_BASE_SCHEMA
    if not schema_exists(template):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{template}"')
    call_command("migrate_schemas", schema_name=template, tenant=True, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()


# Any constant: the key of the PostgreSQL advisory lock that lets one provisioning run at a time.
PROVISIONING_LOCK = 0x70726F76


@contextmanager
def _provisioning_lock() -> Iterator[None]:
    """One provisioning at a time, across every worker.

    Cloning replaces a shared SQL function (two at once can fail with "tuple concurrently
    updated"), and a redelivered task must not race its twin into a wrong final status.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [PROVISIONING_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PROVISIONING_LOCK])


def _schema_ensure(organisation: CareOrganisation) -> None:
    if schema_exists(organisation.schema_name):
        return  # an earlier run got this far
    if not schema_exists(settings.TENANT_BASE_SCHEMA):
        raise ProvisioningError("The template schema is missing: run `manage.py migrate_all`.")
    schema_clone(source=settings.TENANT_BASE_SCHEMA, target=organisation.schema_name)


def organisation_provision(*, organisation_id: int) -> CareOrganisation:
    """Builds the schema and invites the first manager. Safe to run again after a failure.

    Only an organisation that is being set up (or whose set-up failed) is touched: a late or
    repeated task leaves an active or suspended organisation alone.
    """
    with _provisioning_lock():
        organisation = CareOrganisation.objects.get(pk=organisation_id)
        if organisation.status not in (CareOrganisation.Status.PROVISIONING, CareOrganisation.Status.FAILED):
            return organisation
        started = time.perf_counter()
        try:
            _step(organisation, "schema")
            # Each step in its own (sub)transaction: a failed step leaves the caller's
            # transaction usable for recording the failure.
            with transaction.atomic():
                _schema_ensure(organisation)
            connection.set_schema_to_public()
            _step(organisation, "people")
            if organisation.first_manager_email:
                with tenant_context(organisation), transaction.atomic():
                    _first_manager_invite(organisation)
        except Exception as error:
            connection.set_schema_to_public()
            logger.exception("Provisioning %s failed", organisation.slug)
            CareOrganisation.objects.filter(pk=organisation.pk).update(
                status=CareOrganisation.Status.FAILED, provisioning_error=str(error)[:2000]
            )
            raise
        elapsed = time.perf_counter() - started
        CareOrganisation.objects.filter(pk=organisation.pk).update(
            status=CareOrganisation.Status.ACTIVE,
            provisioning_step="done",
            provisioned_seconds=elapsed,
            provisioning_error="",
        )
    organisation.refresh_from_db()
    logger.info("Provisioned %s in %.2f s", organisation.slug, elapsed)
    return organisation


def _first_manager_invite(organisation: CareOrganisation) -> None:
    email = organisation.first_manager_email
    manager = User.objects.filter(email__iexact=email).first()
    if manager is None:
        # Their name as the operator gave it; never the address's first part ("Hello els.manager").
        manager = User.objects.create_user(email=email, full_name=organisation.first_manager_name, role=Role.MANAGER)
        audit(actor=None, action="first_manager_created", target=manager)
    if not manager.has_usable_password():
        invitation_send(actor=None, user=manager)


def organisation_retry(*, actor: User, organisation: CareOrganisation) -> None:
    CareOrganisation.objects.filter(pk=organisation.pk).update(
        status=CareOrganisation.Status.PROVISIONING, provisioning_step="queued", provisioning_error=""
    )
    audit(actor=actor, action="organisation_retry", target=organisation)
    delay_on_commit(tasks.provision_organisation, organisation_id=organisation.pk)


# --- How an organisation's questions flow ----------------------------------------------------------


def _settings_check(organisation: CareOrganisation) -> None:
    """The model's own limits for each field, and that urgent questions never wait longer."""
    others = [
        field.name for field in CareOrganisation._meta.fields if field.name not in CareOrganisation.SETTINGS_FIELDS
    ]
    errors: dict[str, list[str]] = {}
    try:
        organisation.clean_fields(exclude=others)
    except ValidationError as error:
        errors.update(error.message_dict)
    normal, urgent = organisation.escalate_after_minutes, organisation.escalate_urgent_after_minutes
    if not errors.keys() & {"escalate_after_minutes", "escalate_urgent_after_minutes"} and urgent > normal:
        errors["escalate_urgent_after_minutes"] = [
            _("An urgent question may not wait longer than other questions (%(minutes)s minutes).")
            % {"minutes": normal}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organisation_settings_update(*, actor: User, organisation: CareOrganisation, **fields: object) -> CareOrganisation:
    """Changes how the organisation's questions flow: waiting limits, the cap, closing, contact person.

    Checks every value against the model's limits (raises `ValidationError` with a message per
    field, and changes nothing then), saves only what changed, and records the changes in the
    audit log of the schema in use. A change made in the operator portal is also written into
    the organisation's own audit log, so its managers see who changed their settings.
    """
    unknown = set(fields) - set(CareOrganisation.SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Not a setting of the question flow: {', '.join(sorted(unknown))}")
    locked = CareOrganisation.objects.select_for_update().get(pk=organisation.pk)
    before = {name: getattr(locked, name) for name in CareOrganisation.SETTINGS_FIELDS}
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _settings_check(locked)
    changes = {name: [before[name], getattr(locked, name)] for name in fields if before[name] != getattr(locked, name)}
    if changes:
        locked.save(update_fields=list(changes))
        audit(actor=actor, action="organisation_settings_changed", target=locked, changes=changes)
        if connection.schema_name != locked.schema_name and locked.is_active:
            _audit_in_organisation(locked, actor=actor, changes=changes)
    for name in CareOrganisation.SETTINGS_FIELDS:
        setattr(organisation, name, getattr(locked, name))
    return locked


def _audit_in_organisation(
    organisation: CareOrganisation,
    *,
    actor: User,
    changes: dict[str, list[object]],
    action: str = "organisation_settings_changed",
) -> None:
    """Records an operator's change in the organisation's own log, with the operator's name.

    The operator is no person of that schema, so the event names them without pointing at a row.
    """
    label = f"{actor.full_name} <{actor.email}>" if actor.email else actor.full_name
    with tenant_context(organisation):
        AuditEvent.objects.create(
            actor=None,
            actor_label=label,
            action=action,
            target_type=organisation._meta.label,
            target_id=str(organisation.pk),
            data={"changes": changes, "operator_public_id": actor.pk},
        )


# --- Changing an organisation after it was created ---------------------------------------------------


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: CareOrganisation, products: Iterable[Product] | None = None, **fields: object
) -> CareOrganisation:
    """Changes the contract and the organisation's face (name, phone number, colour, language, products).

    Checks each value against the model (raises `ValidationError` per field and changes nothing
    then) and records what changed in the portal's audit log and in the organisation's own.
    """
    unknown = set(fields) - set(CareOrganisation.PORTAL_FIELDS)
    if unknown:
        raise TypeError(f"Not a field the portal changes: {', '.join(sorted(unknown))}")
    locked = CareOrganisation.objects.select_for_update().get(pk=organisation.pk)
    before = {name: getattr(locked, name) for name in fields}
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.clean_fields(exclude=[f.name for f in CareOrganisation._meta.fields if f.name not in fields])
    changes: dict[str, list[object]] = {
        name: [str(before[name]), str(getattr(locked, name))]
        for name in fields
        if before[name] != getattr(locked, name)
    }
    if changes:
        locked.save(update_fields=list(changes))
    if products is not None:
        old = sorted(locked.products.values_list("name", flat=True))
        locked.products.set(products)
        new = sorted(locked.products.values_list("name", flat=True))
        if old != new:
            changes["products"] = [old, new]
            product_choices_forget([locked])
    if changes:
        audit(actor=actor, action="organisation_changed", target=locked, changes=changes)
        if locked.is_active:
            _audit_in_organisation(locked, actor=actor, changes=changes, action="organisation_changed")
    return locked


def _status_change(*, actor: User, organisation: CareOrganisation, start: str, end: str, action: str) -> bool:
    changed = CareOrganisation.objects.filter(pk=organisation.pk, status=start).update(status=end)
    if changed:
        organisation_forget(organisation)
        organisation.status = end
        audit(actor=actor, action=action, target=organisation)
    return bool(changed)


def organisation_deactivate(*, actor: User, organisation: CareOrganisation) -> bool:
    """Closes the organisation's helpdesk: its site says so kindly; its schema and data stay as they are.

    Beat tasks, the escalation queue and the overview visit active organisations only.
    """
    active, suspended = CareOrganisation.Status.ACTIVE, CareOrganisation.Status.SUSPENDED
    return _status_change(
        actor=actor, organisation=organisation, start=active, end=suspended, action="organisation_deactivated"
    )


def organisation_reactivate(*, actor: User, organisation: CareOrganisation) -> bool:
    """Opens a closed organisation's helpdesk again, with everything it had."""
    active, suspended = CareOrganisation.Status.ACTIVE, CareOrganisation.Status.SUSPENDED
    return _status_change(
        actor=actor, organisation=organisation, start=suspended, end=active, action="organisation_reactivated"
    )


def organisation_invitation_resend(*, actor: User, organisation: CareOrganisation) -> bool:
    """E-mails the first manager a new invitation (the old link stops working).

    False when there is nobody to invite any more: no first manager, or one who already chose a password.
    """
    email = organisation.first_manager_email
    if not email or not organisation.is_active:
        return False
    with tenant_context(organisation):
        manager = User.objects.filter(email__iexact=email, is_active=True).first()
        if manager is None or manager.has_usable_password():
            return False
        invitation_send(actor=None, user=manager)
    audit(actor=actor, action="first_manager_invitation_resent", target=organisation)
    _audit_in_organisation(organisation, actor=actor, changes={}, action="first_manager_invitation_resent")
    return True
