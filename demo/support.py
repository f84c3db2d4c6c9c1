"""Demo data for support for volunteers: a trainee with an answer that waits for approval, and
a volunteer's open request for advice. Called from `demo.load.load`; running it again adds nothing."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role, User
from support import services
from support.models import AdviceThread, Level, PendingReply
from tenants.models import CareOrganisation
from tickets.models import OPEN_STATUSES, Ticket, Tier

TRAINEE_FIRST_NAME = "Sem"
HELD_ANSWER = "Goedemiddag. Zet de tablet uit en weer aan. Lukt het dan? Groet, Sem"
ADVICE_QUESTION = (
    "Ik weet niet zeker of dit een fout in het apparaat is of een instelling. "
    "Waar moet ik op letten voor ik de leverancier bel?"
)


def support_ensure(organisation: CareOrganisation) -> None:
    with tenant_context(organisation):
        manager = User.objects.filter(role=Role.MANAGER).order_by("pk").first()
        trainee = User.objects.filter(role=Role.VOLUNTEER, full_name__startswith=TRAINEE_FIRST_NAME).first()
        volunteer = (
            User.objects.filter(role=Role.VOLUNTEER).exclude(pk=getattr(trainee, "pk", None)).order_by("pk").first()
        )
        if trainee is None or volunteer is None:
            return
        open_questions = Ticket.objects.filter(status__in=OPEN_STATUSES, tier=Tier.VOLUNTEER).order_by("number")
        if not PendingReply.objects.exists():
            services.volunteer_level_set(actor=manager, volunteer=trainee, product=None, level=Level.TRAINEE)
            ticket = open_questions.filter(assignee__isnull=True).first() or open_questions.first()
            if ticket is not None:
                services.reply_or_hold(ticket=ticket, actor=trainee, body=HELD_ANSWER)
        if not AdviceThread.objects.exists():
            ticket = open_questions.filter(assignee=volunteer).first() or open_questions.last()
            if ticket is not None:
                services.advice_ask(ticket=ticket, actor=volunteer, body=ADVICE_QUESTION)
