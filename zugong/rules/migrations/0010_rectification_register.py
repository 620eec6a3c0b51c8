"""Register changes for #12 rectification (R33 report day, milestone notices).

Reserved in order so that work on several modules at once never leaves two leaf migrations; it changes
nothing until its module fills it in."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules", "0009_assessment_register")]
    operations = []  # type: ignore[var-annotated]
