"""Demo training and village income in both demo counties, written through the services as the system.

Training: every org-department cadre (组工干部) of the two counties gets off-job courses over the last
five years; every fourth one stays below both R30 thresholds (one short course four years ago, nothing
since), and everyone has an online course. Village income: the last four complete quarters for every
village, spread over the five colours; the first village of each county has not reported the latest
quarter. Runs before the rules demo (order 50) so its evaluation finds R30's shortfalls."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from zugong.cadres.models import Cadre
from zugong.core.demo import DemoContext, demo_contributor
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.orgtree import subtree_q
from zugong.core.permissions import SYSTEM
from zugong.fieldwork.models import TrainingKind
from zugong.fieldwork.selectors import org_department_cadres_q, quarter_end, quarter_start
from zugong.fieldwork.services.income import income_report_submit
from zugong.fieldwork.services.training import training_record_add

COURSES = ["县级组工干部能力提升示范班", "省委党校中青年干部培训班", "组织工作业务研讨班", "市委党校进修班",
           "基层党建专题培训班"]


def _train(person: Cadre, index: int, today: date) -> int:
    added = 0
    if index % 4 == 3:  # below the thresholds: one short course four years ago
        starts = [(date(today.year - 4, 4, 8), 12)]
    else:  # one off-job course each of the last five years, 20 days each: 100 days
        starts = [(date(today.year - back, 3 + back, 10), 20) for back in range(1, 6)]
        if today.month > 6:
            starts.append((date(today.year, 5, 6), 10))
    for n, (start, days) in enumerate(starts):
        training_record_add(actor=None, jurisdiction=SYSTEM, cadre=person, course=COURSES[(index + n) % len(COURSES)],
                            organiser="市委组织部", kind=TrainingKind.OFF_JOB, start_date=start,
                            end_date=start + timedelta(days=days - 1), certificate=f"ZG{start.year}{index:03d}{n}")
        added += 1
    training_record_add(actor=None, jurisdiction=SYSTEM, cadre=person, course="干部网络学院专题学习",
                        organiser="干部网络学院", kind=TrainingKind.ONLINE, start_date=date(today.year - 1, 9, 1),
                        end_date=date(today.year - 1, 9, 30), days=0, hours=Decimal(50))
    return added + 1


def _quarters(today: date) -> list[date]:
    latest = date.fromordinal(quarter_start(today).toordinal() - 1)  # last day of the previous quarter
    quarters = []
    for _ in range(4):
        start = quarter_start(latest)
        quarters.append(start)
        latest = date.fromordinal(start.toordinal() - 1)
    return quarters[::-1]


def _incomes(ctx: DemoContext, county: OrgUnit, today: date) -> int:
    rng = ctx.rng(f"fieldwork.income.{county.pk}")
    villages = list(OrgUnit.objects.filter(subtree_q(county.path), kind=OrgKind.VILLAGE).order_by("path"))
    quarters = _quarters(today)
    added = 0
    for n, village in enumerate(villages):
        base = Decimal([2, 7, 14, 30, 80][n % 5]) + Decimal(rng.randint(0, 190)) / 100
        for q, start in enumerate(quarters):
            if n == 0 and start == quarters[-1]:
                continue  # this village has not reported the latest quarter
            income = (base * (q + 1) / 4 if start.year == quarters[-1].year else base * Decimal("0.8")).quantize(Decimal("0.01"))
            income_report_submit(actor=None, jurisdiction=SYSTEM, village=village, quarter=start, income=income,
                                 channels="资产租赁、入股分红", goal=base * 2, measures="盘活闲置资产，发展特色种养",
                                 submitted_on=min(today, quarter_end(start) + timedelta(days=rng.randint(1, 14))))
            added += 1
    return added


@demo_contributor("fieldwork", order=45)
def load_fieldwork(ctx: DemoContext) -> None:
    trainings = reports = 0
    with transaction.atomic():
        for county in ctx.data["counties"][:2]:
            people = Cadre.objects.filter(subtree_q(county.path, "org_unit__"), org_department_cadres_q()).order_by("pk")
            for index, person in enumerate(people):
                trainings += _train(person, index, ctx.today)
            reports += _incomes(ctx, county, ctx.today)
    ctx.say(f"fieldwork: {trainings} 条培训记录，{reports} 份村集体经济收入季报")
