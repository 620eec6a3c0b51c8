"""A fingerprint of what a finding says, written by the PostgreSQL engine to diff re-evaluations
(zugong/rules/kinds/aggregate.py). Rows written by the ORM path leave it NULL and are replaced at
their next evaluation."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rules', '0004_finding_without_fk_constraints'),
    ]

    operations = [
        migrations.AddField(
            model_name='finding',
            name='fingerprint',
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
    ]
