"""A month counted by hand: March 2025 in organisation A, with its edges.

Europe/Amsterdam. Summer time starts on 30 March 2025, so 31 March 23:30 is 21:30 UTC (March) and
1 April 00:15 is 31 March 22:15 UTC (April here, March in UTC).

| q  | product | who    | asked (local)     | what happens                                                             |
| Q1 | tablet  | r1     | 3 Mar 10:00 web   | volunteer answers 10:30, solves 11:00 (explanation); rated 4/3, changed to 5/2 on 5 Mar |
| Q2 | tablet  | r1     | 10 Mar 09:00 web  | answer 10:00, solved 12:00 (explanation); repeat of Q1; rated 4/4           |
| Q3 | alarm   | r2     | 5 Mar 08:00 phone, for an informal carer | volunteer escalates 09:00 (too difficult), professional takes over and answers 10:00, hands back 6 Mar, volunteer solves 7 Mar 08:00 (product fault) |
| Q4 | tablet  | anon   | 27 Feb 10:00 web  | answer 11:00, solved 28 Feb (explanation), reopened 2 Mar, volunteer answers 3 Mar, solved 4 Mar 10:00 (device or internet) |
| Q5 | alarm   | r2     | 31 Mar 23:30 web  | nothing; repeat of Q3 (26 days later)                                     |
| Q6 | tablet  | r1     | 1 Apr 00:15 web   | April                                                                     |
| Q7 | alarm   | anon 2 | 20 Mar 10:00 web  | nobody on duty: escalated automatically 10:01, professional answers 11:00, solves 12:00 (wish); rated 3/5 |

Duty: 28 Feb 20:00 – 1 Mar 04:00 (4 hours in March) and 10 Mar 08:00 – 12:00 (4 hours).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from satisfaction.services import survey_answer_save
from tests.factories import ticket_make
from tickets import services
from tickets.models import DutyPeriod

AMS = ZoneInfo("Europe/Amsterdam")
MARCH = dt.date(2025, 3, 1)
# Who asked, helped or was named in March: none of it may show in figures, pages, files.
PERSONAL = ("Riet", "Vraagsteller", "riet@example.org", "Kees", "Buurman", "Jansen", "de Wit", "Mijn moeder", "Vera")


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=AMS)


class Clock:
    def __init__(self) -> None:
        self.traveller = None

    def __call__(self, moment: dt.datetime):
        if self.traveller is not None:
            self.traveller.stop()
        self.traveller = time_machine.travel(moment, tick=False)
        self.traveller.start()

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


@pytest.fixture
def march(org_a, volunteer_a, professional_a, requester_a, second_requester_a):
    """Builds the month above in organisation A (r1 is the cast's requester, r2 the second one);
    yields the questions by name."""
    clock = Clock()
    volunteer, professional, r1, r2 = volunteer_a, professional_a, requester_a, second_requester_a
    try:
        with tenant_context(org_a):
            clock(at(2, 1, 9))
            DutyPeriod.objects.create(volunteer=volunteer, starts_at=at(2, 28, 20), ends_at=at(3, 1, 4))
            DutyPeriod.objects.create(volunteer=volunteer, starts_at=at(3, 10, 8), ends_at=at(3, 10, 12))

            clock(at(2, 27, 10))
            q4 = ticket_make(
                contact_name="Mevrouw Jansen", contact_email="jansen@example.org", subject="Scherm blijft zwart"
            )
            clock(at(2, 27, 11))
            services.ticket_claim(ticket=q4, actor=volunteer)
            services.reply_post(ticket=q4, actor=volunteer, body="Laad hem op.")
            clock(at(2, 28, 10))
            services.ticket_resolve(ticket=q4, actor=volunteer, cause="explanation")
            clock(at(3, 2, 9))
            services.ticket_reopen(ticket=q4, actor=volunteer)

            clock(at(3, 3, 9))
            services.reply_post(ticket=q4, actor=volunteer, body="Probeer de wifi opnieuw.")
            clock(at(3, 3, 10))
            q1 = ticket_make(requester=r1, subject="Bellen lukt niet")
            clock(at(3, 3, 10, 30))
            services.ticket_claim(ticket=q1, actor=volunteer)
            services.reply_post(ticket=q1, actor=volunteer, body="Druk op de groene knop.")
            clock(at(3, 3, 11))
            services.ticket_resolve(ticket=q1, actor=volunteer, cause="explanation")
            clock(at(3, 3, 12))
            survey_answer_save(ticket=q1, actor=r1, help_score=4, technology_score=3)

            clock(at(3, 4, 10))
            services.ticket_resolve(ticket=q4, actor=volunteer, cause="device_internet")

            clock(at(3, 5, 8))
            q3 = ticket_make(
                requester=r2,
                product_slug="persoonlijk-alarm",
                subject="Alarmknop piept",
                channel="phone",
                on_behalf_relation="informal_carer",
                on_behalf_of_name="Mijn moeder",
            )
            clock(at(3, 5, 8, 30))
            survey_answer_save(ticket=q1, actor=r1, help_score=5, technology_score=2)
            services.ticket_claim(ticket=q3, actor=volunteer)
            clock(at(3, 5, 9))
            services.ticket_escalate(ticket=q3, actor=volunteer, reason="too_difficult")
            clock(at(3, 5, 9, 30))
            services.ticket_take_over(ticket=q3, actor=professional)
            clock(at(3, 5, 10))
            services.reply_post(ticket=q3, actor=professional, body="We bellen de leverancier.")
            clock(at(3, 6, 9))
            services.ticket_hand_back(ticket=q3, actor=professional, note="Nieuwe knop is besteld.")
            clock(at(3, 7, 8))
            services.ticket_claim(ticket=q3, actor=volunteer)
            services.ticket_resolve(ticket=q3, actor=volunteer, cause="product_fault")

            clock(at(3, 10, 9))
            q2 = ticket_make(requester=r1, subject="Geen geluid bij bellen")
            clock(at(3, 10, 10))
            services.ticket_claim(ticket=q2, actor=volunteer)
            services.reply_post(ticket=q2, actor=volunteer, body="Zet het volume hoger.")
            clock(at(3, 10, 12))
            services.ticket_resolve(ticket=q2, actor=volunteer, cause="explanation")
            survey_answer_save(ticket=q2, actor=r1, help_score=4, technology_score=4, comment="Fijn geholpen")

            clock(at(3, 20, 10))
            q7 = ticket_make(
                contact_name="Meneer de Wit",
                contact_email="dewit@example.org",
                product_slug="persoonlijk-alarm",
                subject="Kan het alarm ook trillen?",
            )
            clock(at(3, 20, 10, 1))
            # The sweep sends it on because nobody is on duty: the rule a new organisation has
            # (the test organisations keep it off, so the questions above stay with the volunteers).
            org_a.escalate_when_nobody_on_duty = True
            services.tickets_escalate_waiting()
            org_a.escalate_when_nobody_on_duty = False
            clock(at(3, 20, 10, 30))
            services.ticket_take_over(ticket=q7, actor=professional)
            clock(at(3, 20, 11))
            services.reply_post(ticket=q7, actor=professional, body="Dat geven we door.")
            clock(at(3, 20, 12))
            services.ticket_resolve(ticket=q7, actor=professional, cause="wish")
            clock(at(3, 21, 9))
            survey_answer_save(ticket=q7, actor=None, help_score=3, technology_score=5)

            clock(at(3, 31, 23, 30))
            q5 = ticket_make(requester=r2, product_slug="persoonlijk-alarm", subject="Alarm gaat vanzelf af")
            clock(at(4, 1, 0, 15))
            q6 = ticket_make(requester=r1, subject="Tablet start niet op")
            clock.stop()
            yield {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q7": q7, "volunteer": volunteer}
    finally:
        clock.stop()
