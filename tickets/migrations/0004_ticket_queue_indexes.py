# The volunteers' queue in its own order (what a volunteer can take first, oldest first): the open questions,
# and the questions of one status.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_escalation_and_duty"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                models.Case(
                    models.When(assignee__isnull=True, tier="volunteer", then=models.Value(0)),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                models.F("created_at"),
                models.F("id"),
                condition=models.Q(("status__in", ("new", "in_progress", "waiting_for_requester"))),
                name="ticket_open_queue",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                models.F("status"),
                models.Case(
                    models.When(assignee__isnull=True, tier="volunteer", then=models.Value(0)),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                models.F("created_at"),
                models.F("id"),
                name="ticket_status_queue",
            ),
        ),
    ]
