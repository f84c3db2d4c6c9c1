# Ids of rows in organisations' schemas are 64-bit, like every key (ready for Citus; docs/scaling.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0003_alert_preference"),
    ]

    operations = [
        migrations.AlterField(
            model_name="advicerequest",
            name="thread_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name="advicerequest",
            name="ticket_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name="escalationentry",
            name="taken_by_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="escalationentry",
            name="ticket_id",
            field=models.PositiveBigIntegerField(),
        ),
    ]
