# The volunteers' queue shows urgent questions and worries about safety first, as the professionals' queue does.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0002_question_flow_settings"),
        ("tickets", "0006_calls"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_open_queue",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_status_queue",
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                models.Case(
                    models.When(
                        models.Q(("priority", "urgent"), ("is_worry", True), _connector="OR"), then=models.Value(0)
                    ),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                models.Case(
                    models.When(assignee__isnull=True, then=models.Value(0), tier="volunteer"),
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
                    models.When(
                        models.Q(("priority", "urgent"), ("is_worry", True), _connector="OR"), then=models.Value(0)
                    ),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                models.Case(
                    models.When(assignee__isnull=True, then=models.Value(0), tier="volunteer"),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                models.F("created_at"),
                models.F("id"),
                name="ticket_status_queue",
            ),
        ),
    ]
