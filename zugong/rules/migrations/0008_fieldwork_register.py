"""Register changes for #13 fieldwork (R27 as a deadline rule, R26/R30 params).

Reserved in order so that work on several modules at once never leaves two leaf migrations; it changes
nothing until its module fills it in."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules", "0007_selection_parameters")]
    operations = []  # type: ignore[var-annotated]
