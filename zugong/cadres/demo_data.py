"""Cadres of the demo province: about 680 with full records (small), 300,000 lean ones (province).

Small scale: every township gets a party secretary, a township head, deputies and staff (some of them
new township recruits, a few within R23's two years), every county department a director, deputies
and staff, every village its party secretary and committee director; each cadre has a résumé
consistent with the posts, a family, annual reviews. Each county gets one deliberate archive anomaly
of every kind in ANOMALIES, so every county's audit page has something real to show.
Province scale inserts cadres and their current post only, in bulk.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models, transaction
from django.utils import timezone

from zugong.cadres.dates import add_years
from zugong.cadres.idcard import check_digit
from zugong.cadres.models import (
    AnnualReview,
    Cadre,
    EducationRecord,
    FamilyMember,
    PostHolding,
    ResumeLine,
    RewardPunishment,
)
from zugong.cadres.pinyin import name_pinyin
from zugong.core.bulk import bulk_insert
from zugong.core.demo import DemoContext, demo_contributor
from zugong.core.models import OrgUnit
from zugong.core.names import person_name

BIRTH_AREAS = ("610102", "610103", "610104", "610111", "610112", "610113", "610202", "610302", "610402",
               "610502", "610702", "610902")
TOWNSHIP_POSTS = (("党委书记", "D1"), ("{head}", "D1"), ("人大主席", "D1"), ("党委副书记", "D2"),
                  ("纪委书记", "D2"), ("组织委员", "D2"), ("副{head}", "D2"), ("副{head}", "D2"), ("武装部长", "D2"))
DEPARTMENT_POSTS = (("局长", "D1"), ("副局长", "D2"), ("副局长", "D2"))
VILLAGE_POSTS = (("村党支部书记", ""), ("村委会主任", ""))  # 村干部: no rank level
SCHOOLS = ("示范大学法学院法学专业", "示范师范大学中文系汉语言文学专业", "示范农业大学农学专业",
           "示范理工大学土木工程专业", "示范财经学院会计学专业", "示范大学公共管理学院行政管理专业")
RATINGS = ("excellent", "competent", "competent", "competent", "competent", "basic")
COPY_THRESHOLD = 20_000  # rows; above it PostgreSQL loads with COPY
ANOMALIES = ("id_check_digit", "sex_vs_id", "party_before_18", "work_before_16", "resume_gap",
             "study_overlaps_work", "two_leading_posts", "birth_vs_id")


@dataclass
class Factory:
    rng: random.Random
    today: date
    used_ids: set[str] = field(default_factory=set)
    pinyin_cache: dict[str, tuple[str, str]] = field(default_factory=dict)

    def person(self, unit: OrgUnit, age_from: int, age_to: int) -> Cadre:
        female = self.rng.random() < 0.3
        birth = self.today.replace(year=self.today.year - self.rng.randint(age_from, age_to), month=1, day=1)
        birth = date.fromordinal(birth.toordinal() + self.rng.randint(0, 364))
        number = self._id_number(birth, female)
        name = person_name(self.rng, female)
        if name not in self.pinyin_cache:
            self.pinyin_cache[name] = name_pinyin(name)
        full, initials = self.pinyin_cache[name]
        work = add_years(birth, self.rng.randint(21, 24)).replace(day=1, month=7)
        work = min(work, self.today.replace(day=1))
        party: date | None = add_years(work, self.rng.randint(0, 4)).replace(day=1)
        if self.rng.random() >= 0.85 or (party is not None and party > self.today):
            party = None
        return Cadre(
            name=name, name_pinyin=full, name_initials=initials, sex="2" if female else "1", birth_date=birth,
            id_number=number, ethnicity="01" if self.rng.random() < 0.93 else self.rng.choice(["03", "02", "11"]),
            native_place="示范省" + self.rng.choice(["东川", "西岭", "南湖", "北坪"]), birthplace="示范省",
            political_status="01" if party else self.rng.choice(["13", "05", "12"]), party_join_date=party,
            work_start_date=work, health="健康", org_unit=unit, highest_education="20",
        )

    def _id_number(self, birth: date, female: bool) -> str:
        while True:
            order = self.rng.randrange(0, 999) // 2 * 2 + (0 if female else 1)
            body = f"{self.rng.choice(BIRTH_AREAS)}{birth:%Y%m%d}{order:03d}"
            number = body + check_digit(body)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number


@dataclass
class Planned:
    cadre: Cadre
    title: str
    rank: str
    leading: bool
    since: date


def _plan_unit(factory: Factory, unit: OrgUnit, posts: tuple[tuple[str, str], ...], staff: int,
               township: bool) -> list[Planned]:
    rng, today = factory.rng, factory.today
    head = "镇长" if unit.name.endswith("镇") else "乡长"
    planned: list[Planned] = []
    for title, rank in posts:
        cadre = factory.person(unit, 36, 56)
        since = date(today.year - rng.randint(0, 6), rng.randint(1, 12), 1)
        # Never in the future nor in the last quarter: other modules' demo acts on these cadres within the
        # last months (a selection appoints one a few weeks ago, after the post it holds began).
        since = min(since, (today - timedelta(days=90)).replace(day=1))
        planned.append(Planned(cadre, title.format(head=head), rank, True, since))
    for index in range(staff):
        cadre = factory.person(unit, 23, 58)
        if township and index < 4:  # new township recruits, some within R23's two years
            recruit = date(today.year - rng.randint(0, 4), rng.choice([7, 8, 9]), 1)
            recruit = min(recruit, today)
            cadre.township_recruit_on = recruit
            cadre.work_start_date = recruit
            cadre.birth_date = add_years(recruit, -rng.randint(22, 26))
            factory.used_ids.discard(cadre.id_number or "")
            cadre.id_number = factory._id_number(cadre.birth_date, cadre.sex == "2")
            cadre.party_join_date = None if rng.random() < 0.5 else cadre.party_join_date and max(
                cadre.party_join_date, recruit)
            if cadre.party_join_date is None:
                cadre.political_status = "03" if rng.random() < 0.5 else "13"
        work = cadre.work_start_date or today
        planned.append(Planned(cadre, "科员" if rng.random() < 0.7 else "一级科员", "E1", False,
                               max(work, date(today.year - rng.randint(0, 8), 1, 1))))
    return planned


def _histories(factory: Factory, item: Planned) -> list[object]:
    rng, cadre = factory.rng, item.cadre
    work = cadre.work_start_date or item.since
    school = rng.choice(SCHOOLS)
    rows: list[object] = [
        EducationRecord(cadre=cadre, kind="full_time", level="20", level_text="大学", degree="4",
                        degree_text="学士", school=school),
        ResumeLine(cadre=cadre, sort_order=0, start=date(work.year - 4, 9, 1), end=work.replace(day=1),
                   text=school + "学习"),
    ]
    if item.since > work:
        rows.append(ResumeLine(cadre=cadre, sort_order=1, start=work.replace(day=1), end=item.since,
                               text=f"{cadre.org_unit.name}科员" if not item.leading else f"{cadre.org_unit.name}副科级干部"))
    rows.append(ResumeLine(cadre=cadre, sort_order=2, start=item.since, end=None, text=f"{cadre.org_unit.name}{item.title}"))
    spouse_female = cadre.sex == "1"
    spouse_name = person_name(rng, spouse_female)
    rows.append(FamilyMember(cadre=cadre, sort_order=0, relation="12" if spouse_female else "11",
                             relation_text="妻子" if spouse_female else "丈夫", name=spouse_name,
                             birth_date=add_years(cadre.birth_date or item.since, rng.randint(-2, 2)).replace(day=1),
                             political_status=rng.choice(["中共党员", "群众"]),
                             work_unit_post=rng.choice(["县第一中学教师", "县人民医院护士", "县农商银行职员", "个体经营"])))
    if rng.random() < 0.8:
        child_female = rng.random() < 0.5
        father = cadre.name if cadre.sex == "1" else spouse_name
        child = father[0] + person_name(rng, child_female)[1:]  # the child takes the father's surname
        rows.append(FamilyMember(cadre=cadre, sort_order=1, relation="30" if child_female else "20",
                                 relation_text="女儿" if child_female else "儿子", name=child,
                                 birth_date=add_years(cadre.birth_date or item.since, rng.randint(25, 32)).replace(day=1),
                                 political_status="群众", work_unit_post="学生"))
    for offset in (3, 2, 1):
        year = factory.today.year - offset
        if year >= work.year:
            rows.append(AnnualReview(cadre=cadre, year=year, rating=rng.choice(RATINGS), sort_order=offset))
    if rng.random() < 0.15:
        rows.append(RewardPunishment(cadre=cadre, kind="reward", text=f"{factory.today.year - 2}年被评为县优秀共产党员"))
    return rows


def _plan_village(factory: Factory, village: OrgUnit) -> list[Planned]:
    """The village's party secretary and committee director (other modules' village work uses them)."""
    planned = []
    for title, rank in VILLAGE_POSTS:
        cadre = factory.person(village, 35, 60)
        cadre.highest_education = "61"
        if title == "村党支部书记" and cadre.party_join_date is None:  # the secretary is a party member
            cadre.party_join_date = add_years(cadre.work_start_date or factory.today, 3).replace(day=1)
            cadre.political_status = "01"
        since = date(factory.today.year - factory.rng.randint(0, 8), factory.rng.choice([1, 3, 4]), 1)
        planned.append(Planned(cadre, title, rank, True, max(since, cadre.work_start_date or since)))
    return planned


def _village_histories(factory: Factory, item: Planned) -> list[object]:
    cadre, rng = item.cadre, factory.rng
    work = cadre.work_start_date or item.since
    rows: list[object] = [EducationRecord(cadre=cadre, kind="full_time", level="61", level_text="高中")]
    if item.since > work:
        rows.append(ResumeLine(cadre=cadre, sort_order=0, start=work.replace(day=1), end=item.since,
                               text=f"{cadre.org_unit.name}村民" + rng.choice(["（务农）", "（个体经营）", "（外出务工）"])))
    rows.append(ResumeLine(cadre=cadre, sort_order=1, start=item.since, end=None,
                           text=f"{cadre.org_unit.name}{item.title}"))
    for offset in (3, 2, 1):
        year = factory.today.year - offset
        if year >= item.since.year:
            rows.append(AnnualReview(cadre=cadre, year=year, rating=rng.choice(RATINGS), sort_order=offset))
    return rows


def _plant_anomalies(factory: Factory, planned: list[Planned], extra: list[object], today: date) -> None:
    """Each county gets one cadre per check in ANOMALIES, so every county's audit page has real findings."""
    by_county: dict[int, list[Planned]] = {}
    for p in planned:
        if p.leading and p.rank and p.since <= add_years(today, -2):
            by_county.setdefault(p.cadre.org_unit.parent_id or 0, []).append(p)
    for _county, staff in sorted(by_county.items()):
        for check, item in zip(ANOMALIES, factory.rng.sample(staff, len(ANOMALIES)), strict=True):
            own = [row for row in extra if getattr(row, "cadre", None) is item.cadre]
            _break(factory, item, check, own)
            extra += [row for row in own if row not in extra]


def _break(factory: Factory, item: Planned, check: str, extra: list[object]) -> None:
    """Give one cadre a deliberate archive problem."""
    cadre = item.cadre
    birth = cadre.birth_date or factory.today
    if check == "id_check_digit":
        last = (cadre.id_number or "0")[-1]
        cadre.id_number = (cadre.id_number or "")[:17] + ("1" if last != "1" else "2")
    elif check == "sex_vs_id":
        cadre.sex = "2" if cadre.sex == "1" else "1"
    elif check == "party_before_18":
        cadre.party_join_date = add_years(birth, 17).replace(day=1)
        cadre.political_status = "01"
    elif check == "work_before_16":
        cadre.work_start_date = add_years(birth, 15).replace(day=1)
    elif check == "birth_vs_id":
        cadre.birth_date = add_years(birth, 1)
    elif check == "resume_gap":
        for row in extra:
            if isinstance(row, ResumeLine) and row.end is None:
                row.start = date(row.start.year + 1, row.start.month, 1)
    elif check == "study_overlaps_work":
        extra.append(ResumeLine(cadre=cadre, sort_order=3, start=add_years(item.since, 1).replace(day=1),
                                end=add_years(item.since, 3).replace(day=1), text="示范大学公共管理专业研究生学习"))
    elif check == "two_leading_posts":
        extra.append(PostHolding(cadre=cadre, org_unit=cadre.org_unit, title="兼任某领导小组组长", rank_level=item.rank,
                                 is_leading=True, valid_from=item.since))


def _insert(model: type[models.Model], objs: list[models.Model]) -> None:
    bulk_insert(model, objs, batch_size=5000, copy_threshold=COPY_THRESHOLD)


def _save(planned: list[Planned], extra: list[object]) -> None:
    now = timezone.now()
    for p in planned:
        p.cadre.created_at = p.cadre.updated_at = now  # auto_now is not applied by COPY
    _insert(Cadre, [p.cadre for p in planned])
    holdings: list[models.Model] = [
        PostHolding(cadre=p.cadre, org_unit=p.cadre.org_unit, title=p.title, rank_level=p.rank, is_leading=p.leading,
                    valid_from=p.since, appointment_method="任命") for p in planned]
    _insert(PostHolding, holdings)
    by_model: dict[type, list[object]] = {}
    for row in extra:
        by_model.setdefault(type(row), []).append(row)
    for model, rows in by_model.items():
        model._default_manager.bulk_create(rows, batch_size=5000)  # type: ignore[attr-defined]


def _fill_current_post(planned: list[Planned]) -> None:
    for p in planned:
        p.cadre.current_post = p.title
        p.cadre.rank_level = p.rank
        p.cadre.is_leading = p.leading
        p.cadre.managing_unit_id = p.cadre.org_unit.parent_id if p.cadre.org_unit.parent_id else p.cadre.org_unit_id


@demo_contributor("cadres.roster", order=10)
@transaction.atomic
def load_cadres(ctx: DemoContext) -> None:
    factory = Factory(ctx.rng("cadres.roster"), ctx.today)
    small = ctx.scale == "small"
    planned: list[Planned] = []
    departments = [unit for units in ctx.data["departments"].values() for unit in units]
    with ctx.progress("干部（按单位）", len(ctx.data["townships"]) + len(departments)) as progress:
        for township in ctx.data["townships"]:
            planned += _plan_unit(factory, township, TOWNSHIP_POSTS, 31 if small else ctx.sized(120), township=True)
            progress.advance()
        for unit in departments:
            planned += _plan_unit(factory, unit, DEPARTMENT_POSTS, 7 if small else ctx.sized(93), township=False)
            progress.advance()
    village_heads = [p for v in ctx.data["villages"] for p in _plan_village(factory, v)] if small else []
    _fill_current_post(planned)
    _fill_current_post(village_heads)
    extra: list[object] = []
    if small:
        for item in planned:
            extra += _histories(factory, item)
        for item in village_heads:
            extra += _village_histories(factory, item)
        _plant_anomalies(factory, planned, extra, ctx.today)
    planned += village_heads
    _save(planned, extra)
    ctx.data["cadres"] = [p.cadre.pk for p in planned]
    ctx.say(f"干部：{len(planned)} 人（{timezone.localdate():%Y-%m-%d}）")
