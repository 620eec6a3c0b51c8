"""Register changes for #11 assessment (R01/R02/R31 deadlines).

Reserved in order so that work on several modules at once never leaves two leaf migrations; it changes
nothing until its module fills it in."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules", "0008_fieldwork_register")]
    operations = []  # type: ignore[var-annotated]
