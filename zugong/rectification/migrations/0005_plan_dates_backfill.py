"""The dates of the plans accepted before plan dates were rows: each milestone with a readable date and the
deadline, counted from the day the plan was accepted (R24 part `plan`)."""

from datetime import date
from typing import Any

from django.db import migrations
from django.utils import timezone


def forwards(apps: Any, schema_editor: Any) -> None:
    RectificationPlan = apps.get_model("rectification", "RectificationPlan")
    PlanDueDate = apps.get_model("rectification", "PlanDueDate")
    rows = []
    for plan in RectificationPlan.objects.filter(status="accepted", dates__isnull=True).iterator():
        accepted = timezone.localdate(plan.decided_at or plan.submitted_at)
        for milestone in plan.milestones or []:
            try:
                due = date.fromisoformat(str(milestone["due"]))
            except (KeyError, TypeError, ValueError):
                continue
            rows.append(PlanDueDate(plan_id=plan.pk, problem_id=plan.problem_id, title=str(milestone.get("title", ""))[:200],
                                 starts_on=min(accepted, due), due=due))
        rows.append(PlanDueDate(plan_id=plan.pk, problem_id=plan.problem_id, title="整改时限",
                             starts_on=min(accepted, plan.deadline), due=plan.deadline))
    PlanDueDate.objects.bulk_create(rows, batch_size=2000)


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("rectification", "PlanDueDate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("rectification", "0004_plan_dates")]
    operations = [migrations.RunPython(forwards, backwards)]
