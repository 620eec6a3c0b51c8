"""Register changes for #10 selection (R22 in the engine).

Reserved in order so that work on several modules at once never leaves two leaf migrations; it changes
nothing until its module fills it in."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules", "0010_rectification_register")]
    operations = []  # type: ignore[var-annotated]
