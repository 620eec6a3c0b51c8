"""Data: every recommendation vote recorded before the two rounds were told apart was a 会议推荐 vote (the
民主推荐 record's ballot counts, kept as they were signed, are the meeting round's)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def votes_are_meeting(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vote = apps.get_model("selection", "RecommendationVote")
    vote.objects.filter(kind__isnull=True).update(kind="meeting")


def votes_unmarked(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Back to one number per cadre: only meeting votes existed before, so a talk vote cannot go back."""
    vote = apps.get_model("selection", "RecommendationVote")
    vote.objects.filter(kind="talk").delete()
    vote.objects.update(kind=None)


class Migration(migrations.Migration):
    dependencies = [("selection", "0010_recommendation_kind")]
    operations = [migrations.RunPython(votes_are_meeting, votes_unmarked)]
