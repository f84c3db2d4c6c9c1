"""People, sign-in tokens and the audit log.

This app sits in both the public and every tenant schema: the public user table holds the
operator's staff, each tenant's holds that organisation's end users, volunteers, managers and
the shadow accounts of professionals who worked there.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    VOLUNTEER = "volunteer", _("Client volunteer")
    MANAGER = "manager", _("Manager")
    PROFESSIONAL = "professional", _("Professional helpdesk staff")
    OPERATOR_ADMIN = "operator_admin", _("Operator administrator")


TENANT_ROLES = (Role.REQUESTER, Role.VOLUNTEER, Role.MANAGER, Role.PROFESSIONAL)
PUBLIC_ROLES = (Role.PROFESSIONAL, Role.OPERATOR_ADMIN)
PASSWORD_ROLES = (Role.VOLUNTEER, Role.MANAGER, Role.PROFESSIONAL, Role.OPERATOR_ADMIN)


class RequesterKind(models.TextChoices):
    CLIENT = "client", _("Client")
    INFORMAL_CARER = "informal_carer", _("Informal carer")
    CARE_STAFF = "care_staff", _("Care staff")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str | None = None, password: str | None = None, **fields: object) -> User:
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str, **fields: object) -> User:
        fields.setdefault("role", Role.OPERATOR_ADMIN)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    full_name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REQUESTER)
    requester_kind = models.CharField(
        _("I am a"), max_length=20, choices=RequesterKind.choices, blank=True, default=RequesterKind.CLIENT
    )
    language = models.CharField(_("language"), max_length=5, default="nl")
    # A shadow account: the public account of the professional who signed in through a hand-off.
    public_user_id = models.BigIntegerField(null=True, blank=True, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else ""

    @property
    def uses_password(self) -> bool:
        return self.role in PASSWORD_ROLES

    @property
    def is_requester(self) -> bool:
        return self.role == Role.REQUESTER

    @property
    def is_shadow(self) -> bool:
        return self.public_user_id is not None


class LoginToken(models.Model):
    """A secret that signs somebody in without a password.

    Only a hash of the secret is stored. Magic links and invitations work once and expire;
    a login card works until it is revoked.
    """

    class Purpose(models.TextChoices):
        MAGIC_LINK = "magic_link", _("Sign-in link")
        INVITATION = "invitation", _("Invitation")
        LOGIN_CARD = "login_card", _("Login card")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_tokens")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Shown on a login card so a manager can tell cards apart without the secret.
    label = models.CharField(max_length=12, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.user}"

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)

    @property
    def waits_for_password(self) -> bool:
        """An invitation of someone who signs in with a password stays valid until they chose one,
        so closing the browser before that does not lock them out."""
        return (
            self.purpose == self.Purpose.INVITATION and self.user.uses_password and not self.user.has_usable_password()
        )

    @property
    def is_single_use(self) -> bool:
        return self.purpose != self.Purpose.LOGIN_CARD

    def is_usable(self, now: timezone.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None or not self.user.is_active:
            return False
        if self.expires_at is not None and self.expires_at <= now:
            return False
        return not (self.is_single_use and self.used_at is not None)

    @classmethod
    def lifetime(cls, purpose: str) -> timedelta | None:
        from django.conf import settings

        if purpose == cls.Purpose.MAGIC_LINK:
            return timedelta(seconds=settings.MAGIC_LINK_MAX_AGE)
        if purpose == cls.Purpose.INVITATION:
            return timedelta(seconds=settings.INVITATION_MAX_AGE)
        return None


class HandoffNonce(models.Model):
    """A professional's hand-off that has been used; a second use of the same link fails."""

    nonce = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)


AUDIT_ACTION_LABELS = {
    "signed_in": _("signed in"),
    "password_set": _("chose a password"),
    "second_factor_on": _("set up an authenticator app"),
    "second_factor_off": _("switched the sign-in code off"),
    "second_factor_reset": _("reset a person's authenticator app"),
    "user_invited": _("added a person"),
    "user_changed": _("changed a person's details"),
    "login_card_issued": _("printed a login card"),
    "login_card_revoked": _("stopped a login card"),
    "handoff_created": _("opened an organisation as professional"),
    "handoff_used": _("arrived from the operator portal"),
    "first_manager_created": _("created the first manager"),
    "organisation_created": _("added a care organisation"),
    "organisation_retry": _("retried setting up a care organisation"),
    "organisation_settings_changed": _("changed the organisation's settings"),
    "notification_preference_set": _("chose which e-mails to get"),
    "saved_reply_created": _("added a saved reply"),
    "saved_reply_deleted": _("removed a saved reply"),
    "ticket_created": _("filed a question"),
    "ticket_viewed": _("looked at a question"),
    "ticket_claimed": _("took a question"),
    "ticket_released": _("gave a question back to the queue"),
    "ticket_replied": _("answered a question"),
    "ticket_note_added": _("added an internal note"),
    "ticket_photo_added": _("added a photo to a question"),
    "ticket_waiting": _("set a question to wait for the requester"),
    "ticket_resolved": _("solved a question"),
    "ticket_closed": _("closed a question"),
    "ticket_closed_automatically": _("closed a solved question automatically"),
    "ticket_reopened": _("reopened a question"),
    "ticket_reopened_by_requester": _("said they still need help"),
    "ticket_solved_by_requester": _("said the question is solved"),
    "ticket_follow_link_sent": _("got the link to a question sent again"),
    "ticket_product_changed": _("changed a question's product"),
    "ticket_topic_changed": _("changed a question's topic"),
    "ticket_escalated": _("passed a question to the professionals"),
    "ticket_escalated_automatically": _("passed a question to the professionals automatically"),
    "ticket_taken_over": _("took a question over as a professional"),
    "ticket_handed_back": _("handed a question back to the volunteers"),
    "ticket_worry": _("marked a worry about safety"),
    "escalation_opened": _("opened an escalated question from the portal"),
    "escalation_take_over_started": _("went to take over an escalated question from the portal"),
    "duty_started": _("went on duty"),
    "duty_stopped": _("went off duty"),
    "duty_planned": _("planned a duty period"),
    "duty_removed": _("removed a planned duty period"),
    "volunteer_level_set": _("set a volunteer's level"),
    "reply_held_for_approval": _("wrote an answer that waits for approval"),
    "reply_approved": _("approved an answer"),
    "reply_returned": _("returned an answer with a note"),
    "advice_asked": _("asked a professional for advice"),
    "advice_answered": _("gave advice to a volunteer"),
    "advice_closed": _("closed a request for advice"),
    "survey_answered": _("said how satisfied they are"),
    "survey_changed": _("changed how satisfied they are"),
    "instruction_drafted": _("started an instruction"),
    "instruction_edited": _("changed an instruction"),
    "instruction_submitted": _("sent an instruction for review"),
    "instruction_published": _("published an instruction"),
    "instruction_returned": _("returned an instruction with a note"),
    "shared_instruction_hidden": _("hid a shared instruction"),
    "shared_instruction_shown": _("showed a shared instruction again"),
    "course_drafted": _("started a course"),
    "course_edited": _("changed a course"),
    "course_lesson_added": _("added a lesson to a course"),
    "course_lesson_moved": _("moved a lesson of a course"),
    "course_lesson_removed": _("removed a lesson from a course"),
    "course_submitted": _("sent a course for review"),
    "course_published": _("published a course"),
    "course_consent_given": _("let helpers see their lessons"),
    "course_consent_withdrawn": _("stopped showing their lessons"),
    "audit_log_exported": _("exported the access log about a person"),
    "person_data_exported": _("exported everything about a person"),
    "person_erased": _("erased a person's data"),
    "tickets_anonymised": _("removed personal data from old solved questions"),
    "organisation_exported": _("exported a care organisation"),
    "organisation_restored": _("restored a care organisation from an export"),
    "organisation_offboarded": _("deleted a care organisation and its data"),
}
AUDIT_TARGET_LABELS = {
    "accounts.User": _("person"),
    "knowledgebase.Instruction": _("instruction"),
    "knowledgebase_shared.SharedInstruction": _("shared instruction"),
    "tenants.CareOrganisation": _("care organisation"),
    "tickets.Ticket": _("question"),
    "tickets.DutyPeriod": _("duty period"),
    "tickets.SavedReply": _("saved reply"),
}


class AuditEvent(models.Model):
    """Who did what, when, from where, and whose data it was: the access log (NEN 7513).

    In a tenant schema it is that organisation's own log. A row is never changed or deleted
    through the application: a database trigger (migration 0002) refuses UPDATE and DELETE, except
    the one-time sealing that fills in the chain columns. Each sealed row carries the hash of the
    row before it (`helpdesk.accounts.audit_chain`), so a change made around the application shows
    up when `manage.py verify_audit_chain` runs. Rows are kept at least five years
    (docs/security.md); nothing in the application deletes them.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Plain ids rather than constraints: a person's row may go, their entries in the log stay.
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    # A professional works in an organisation through a shadow account; this is their own
    # account in the operator's schema, on whose behalf the shadow acted.
    operator_account_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=60, blank=True)
    # What a person reads instead of an id: a reference number such as AMP-1042, or a name.
    target_label = models.CharField(max_length=200, blank=True)
    # The person whose data it is: the client, also when someone else asked for them.
    subject = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    subject_label = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The chain, filled in once by `audit_chain.seal`: the order of sealing, and the hashes.
    position = models.BigIntegerField(null=True, blank=True, unique=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["subject", "at"], name="audit_subject_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    @property
    def action_label(self) -> str:
        return str(AUDIT_ACTION_LABELS.get(self.action, self.action.replace("_", " ")))

    @property
    def is_by_system(self) -> bool:
        return not self.actor_label

    @property
    def is_by_professional(self) -> bool:
        return self.operator_account_id is not None or "professional_public_id" in self.data

    @property
    def about_label(self) -> str:
        """What the entry is about, in words: "question AMP-1042" or "person Riet de Vries"."""
        if not self.target_type:
            return ""
        kind = AUDIT_TARGET_LABELS.get(self.target_type, self.target_type)
        label = self.target_label or str(self.data.get("reference", "")) or self.target_id
        return f"{kind} {label}"
