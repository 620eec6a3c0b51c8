"""A fingerprint of what a finding says, written by the PostgreSQL engine to diff re-evaluations.

Derived data only the engine's SQL reads and writes (zugong/rules/kinds/aggregate.py), so it is a
plain nullable column added with SQL and not a model field: ORM writes leave it NULL, and such rows
are replaced at their next evaluation.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('rules', '0004_finding_without_fk_constraints'),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE rules_finding ADD COLUMN fingerprint bigint NULL",
            reverse_sql="ALTER TABLE rules_finding DROP COLUMN fingerprint",
        ),
    ]
