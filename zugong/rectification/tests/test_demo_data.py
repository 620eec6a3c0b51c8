"""The demo: both demo counties have problems in every state, a rejected closure, a reopened problem,
exactly one problem whose last check period passed unchecked, and the 23-item 巡视 list imported."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils import timezone

from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree
from zugong.rectification.demo_data import load_projects, load_rectification
from zugong.rectification.models import (
    ClaimStatus,
    ClosureStatus,
    DutyReport,
    LeaderReport,
    MilestoneKind,
    Problem,
    ProblemStatus,
    Project,
    ProjectKind,
    Source,
)
from zugong.rectification.selectors import CheckState, with_check_state


def test_demo_counties_have_every_state_one_rejection_and_one_overdue_check(db, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    ctx = DemoContext(scale="small", seed=11, today=timezone.localdate(), out=io.StringIO())
    load_org_tree(ctx)
    load_rectification(ctx)
    for county in ctx.data["counties"][:2]:
        problems = Problem.objects.filter(org_unit__path__startswith=county.path)
        duty = problems.filter(problem_list__source=Source.DUTY_REVIEW)
        assert set(duty.values_list("status", flat=True)) == set(ProblemStatus.values) - {ProblemStatus.WITHDRAWN}
        inspection = problems.filter(problem_list__source=Source.INSPECTION)
        assert inspection.filter(status=ProblemStatus.WITHDRAWN, withdrawn_reason__contains="重复").count() == 1
        assert duty.filter(closures__status=ClosureStatus.REJECTED).count() == 1
        assert duty.filter(reopenings__isnull=False).count() == 1
        assert problems.filter(problem_list__source=Source.INSPECTION).count() == 23
        report = DutyReport.objects.get(org_unit__path__startswith=county.path)
        assert report.grade == "fairly_good" and report.feedback_list is not None
        assert report.feedback_list.problems.count() == 6
        overdue = [p.description for p in with_check_state(problems, ctx.today)
                   if p.check_state == CheckState.OVERDUE]  # type: ignore[attr-defined]
        assert overdue == ["发展党员程序不规范，个别材料缺签字"]  # the one whose closure was rejected


def test_demo_projects_have_claims_and_one_missing_monthly_report(db, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    ctx = DemoContext(scale="small", seed=11, today=timezone.localdate(), out=io.StringIO())
    load_org_tree(ctx)
    load_projects(ctx)
    for county in ctx.data["counties"][:2]:
        projects = Project.objects.filter(issuing_unit=county)
        assert sorted(projects.values_list("status", flat=True)) == ["draft", "published", "published"]
        task = projects.get(kind=ProjectKind.KEY_TASK, status="published")
        assert sorted(task.claims.values_list("status", flat=True)) == [ClaimStatus.APPROVED, ClaimStatus.PENDING]
        missing = task.milestones.filter(kind=MilestoneKind.REPORT, done_on__isnull=True, due__lt=ctx.today)
        assert missing.count() == 1  # the last month that fell due
        assert task.reports.count() == task.milestones.filter(kind=MilestoneKind.REPORT, done_on__isnull=False).count()
        assert LeaderReport.objects.filter(org_unit=county, leader="王副书记").count() == 1
