"""The hourly clean-up: expired one-time links go, login cards and live links stay, in every schema."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from helpdesk.accounts import services
from helpdesk.accounts.models import HandoffNonce, LoginToken
from helpdesk.accounts.tasks import purge_expired_tokens

ONE_TIME = (LoginToken.Purpose.MAGIC_LINK, LoginToken.Purpose.INVITATION)


def issue(user, purpose, *, expired: bool) -> LoginToken:
    token = services.token_issue(user=user, purpose=purpose).token
    if expired:
        token.expires_at = timezone.now() - timedelta(minutes=1)
        token.save(update_fields=["expires_at"])
    return token


def test_purge_removes_expired_links_in_every_schema_and_keeps_the_rest(org_a, org_b, make_user):
    kept, gone = [], []
    for organisation in (None, org_a, org_b):
        person = make_user(organisation)
        schema = organisation.schema_name if organisation else "public"
        with schema_context(schema):
            gone += [(schema, issue(person, purpose, expired=True).pk) for purpose in ONE_TIME]
            kept += [(schema, issue(person, LoginToken.Purpose.MAGIC_LINK, expired=False).pk)]
            kept += [(schema, issue(person, LoginToken.Purpose.LOGIN_CARD, expired=False).pk)]

    assert purge_expired_tokens.delay().get() == len(gone)

    for schema, pk in kept:
        with schema_context(schema):
            assert LoginToken.objects.filter(pk=pk).exists()
    for schema, pk in gone:
        with schema_context(schema):
            assert not LoginToken.objects.filter(pk=pk).exists()


def test_purge_forgets_hand_offs_that_can_no_longer_be_used(org_a, time_machine):
    with schema_context(org_a.schema_name):
        HandoffNonce.objects.create(nonce="old")
    time_machine.move_to(timezone.now() + timedelta(minutes=5))
    with schema_context(org_a.schema_name):
        HandoffNonce.objects.create(nonce="fresh")

    purge_expired_tokens.delay()

    with schema_context(org_a.schema_name):
        assert list(HandoffNonce.objects.values_list("nonce", flat=True)) == ["fresh"]
