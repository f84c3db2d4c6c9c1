# Ids of instructions kept as plain numbers are 64-bit, like every key (ready for Citus; docs/scaling.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("knowledgebase", "0002_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="feedback",
            name="instruction_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name="flowsuggestion",
            name="instruction_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name="viewcount",
            name="instruction_id",
            field=models.PositiveBigIntegerField(),
        ),
    ]
