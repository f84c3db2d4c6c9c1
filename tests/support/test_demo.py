"""The demo has a trainee with an answer that waits, and an open request for advice, per organisation."""

from __future__ import annotations

from django_tenants.utils import schema_context

from demo import load as demo
from escalations.models import AdviceRequest
from support.models import AdviceThread, PendingReply, VolunteerLevel
from tenants.models import CareOrganisation


def test_demo_support_data_is_there_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.load()
        demo.load()  # a second start adds nothing

    for spec in demo.ORGANISATIONS:
        organisation = CareOrganisation.objects.get(slug=spec["slug"])
        with schema_context(organisation.schema_name):
            [pending] = PendingReply.objects.select_related("author")
            assert pending.is_pending and pending.author.full_name == "Sem Leerling"
            assert VolunteerLevel.objects.get(volunteer=pending.author).level == "trainee"
            [thread] = AdviceThread.objects.all()
            assert thread.status == AdviceThread.Status.OPEN and thread.volunteer_id != pending.author_id
        assert AdviceRequest.objects.filter(organisation=organisation, status="open").count() == 1
