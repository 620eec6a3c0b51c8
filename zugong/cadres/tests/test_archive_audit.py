import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from zugong.cadres import archive_audit
from zugong.cadres.models import Cadre, PostHolding, ResumeLine
from zugong.cadres.tests.factories import id_number, make_cadre


def checks_for(cadre: Cadre) -> set[str]:
    _, findings = archive_audit.run(Cadre.objects.filter(pk=cadre.pk), today=date(2025, 6, 1))
    return {f.check for f in findings}


@pytest.fixture
def clean(tree) -> Cadre:
    return make_cadre(tree.township_a)


@pytest.mark.django_db
def test_clean_cadre_has_no_findings(clean):
    assert checks_for(clean) == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("number", "check"), [
    ("110105198005170018", "id_check_digit"),
    ("11010519800517001", "id_format"),
    ("000000198005170016", "id_area"),
    ("110105198002300017", "id_birth"),
])
def test_identity_checks(clean, number, check):
    from zugong.cadres.idcard import check_digit
    if check in {"id_area", "id_birth"}:
        number = number[:17] + check_digit(number[:17])
    Cadre.objects.filter(pk=clean.pk).update(id_number=number)
    assert check in checks_for(clean)


@pytest.mark.django_db
def test_birth_and_sex_against_id(clean):
    Cadre.objects.filter(pk=clean.pk).update(birth_date=date(1980, 6, 17), sex="2")
    assert {"birth_vs_id", "sex_vs_id"} <= checks_for(clean)
    Cadre.objects.filter(pk=clean.pk).update(birth_date=date(1980, 5, 1), sex="1")
    assert checks_for(clean) == set()


@pytest.mark.django_db
def test_party_before_18_and_work_before_16(clean):
    Cadre.objects.filter(pk=clean.pk).update(party_join_date=date(1998, 4, 1), work_start_date=date(1996, 4, 1))
    assert {"party_before_18", "work_before_16"} <= checks_for(clean)
    Cadre.objects.filter(pk=clean.pk).update(party_join_date=date(1998, 5, 1), work_start_date=date(1996, 5, 1))
    assert not {"party_before_18", "work_before_16"} & checks_for(clean)


def _resume(cadre: Cadre, *periods: tuple[date, date | None, str]) -> None:
    ResumeLine.objects.filter(cadre=cadre).update(superseded_at=timezone.now())
    ResumeLine.objects.bulk_create([ResumeLine(cadre=cadre, start=s, end=e, text=t, sort_order=i)
                                    for i, (s, e, t) in enumerate(periods)])


@pytest.mark.django_db
def test_resume_missing(clean):
    _resume(clean)
    assert "resume_missing" in checks_for(clean)


@pytest.mark.django_db
def test_resume_order_overlap_gap_and_before_birth(clean):
    _resume(clean, (date(1979, 9, 1), date(1990, 7, 1), "某地生活"), (date(1990, 7, 1), date(1995, 1, 1), "甲单位科员"),
            (date(1994, 1, 1), date(1996, 1, 1), "乙单位科员"), (date(1997, 1, 1), date(1998, 1, 1), "丙单位科员"),
            (date(1996, 6, 1), None, "丁单位科员"))
    assert {"resume_before_birth", "resume_overlap", "resume_gap", "resume_order"} <= checks_for(clean)


@pytest.mark.django_db
def test_resume_contiguous_gap_of_three_months_is_fine(clean):
    _resume(clean, (date(1998, 9, 1), date(2002, 7, 1), "示范大学学习"), (date(2002, 10, 1), None, "甲镇科员"))
    assert checks_for(clean) == set()


@pytest.mark.django_db
def test_full_time_study_overlapping_work_needs_in_service_note(clean):
    _resume(clean, (date(2002, 7, 1), None, "甲镇科员"), (date(2003, 9, 1), date(2005, 7, 1), "示范大学法学专业学习"))
    assert "study_overlaps_work" in checks_for(clean)
    _resume(clean, (date(2002, 7, 1), None, "甲镇科员"), (date(2003, 9, 1), date(2005, 7, 1), "示范大学法学专业在职学习"))
    assert "study_overlaps_work" not in checks_for(clean)


@pytest.mark.django_db
def test_two_leading_posts_of_same_level_at_once(clean, tree):
    PostHolding.objects.create(cadre=clean, org_unit=tree.township_a, title="镇长", rank_level="D1",
                               valid_from=date(2020, 1, 1))
    PostHolding.objects.create(cadre=clean, org_unit=tree.township_a, title="副书记", rank_level="D2",
                               valid_from=date(2020, 1, 1))
    assert "two_leading_posts" not in checks_for(clean)
    PostHolding.objects.create(cadre=clean, org_unit=tree.township_a2, title="乡长", rank_level="D1",
                               valid_from=date(2021, 1, 1), valid_to=date(2022, 1, 1))
    assert "two_leading_posts" in checks_for(clean)


@pytest.mark.django_db
def test_sequential_leading_posts_do_not_clash(clean, tree):
    PostHolding.objects.create(cadre=clean, org_unit=tree.township_a, title="副镇长", rank_level="D2",
                               valid_from=date(2015, 1, 1), valid_to=date(2018, 1, 1))
    PostHolding.objects.create(cadre=clean, org_unit=tree.township_a2, title="副乡长", rank_level="D2",
                               valid_from=date(2018, 1, 1))
    assert "two_leading_posts" not in checks_for(clean)


@pytest.mark.django_db
def test_command_json_output(clean, tree):
    other = make_cadre(tree.county_b, name="赵六", birth=date(1975, 3, 3), order=3)
    Cadre.objects.filter(pk=other.pk).update(id_number=id_number(date(1975, 3, 3), 3)[:17] + "0")
    out = io.StringIO()
    call_command("audit_archives", "--org", "990122", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["cadres_checked"] == 1
    assert [(f["name"], f["check"], f["severity"]) for f in body["findings"]] == [("赵六", "id_check_digit", "error")]
    assert set(body["findings"][0]) == {"id_number", "name", "check", "severity", "message"}


# The audit's age and gap limits at their edges: the month before, the month of and the month after
# (the checks have month precision). Birth in the factory record: 1980-05-17.
@pytest.mark.django_db
@pytest.mark.parametrize(("field", "check", "limit_month"), [
    ("party_join_date", "party_before_18", date(1998, 5, 1)),
    ("work_start_date", "work_before_16", date(1996, 5, 1)),
])
@pytest.mark.parametrize(("shift", "flagged"), [(-1, True), (0, False), (1, False)],
                         ids=["month before", "month of", "month after"])
def test_age_limits_at_their_month(clean, field, check, limit_month, shift, flagged):
    month = limit_month.month + shift
    day = date(limit_month.year, month, 1)
    Cadre.objects.filter(pk=clean.pk).update(**{field: day})
    assert (check in checks_for(clean)) is flagged


@pytest.mark.django_db
@pytest.mark.parametrize(("next_start", "flagged"), [
    (date(2002, 9, 1), False), (date(2002, 10, 1), False), (date(2002, 11, 1), True),
], ids=["2 months", "3 months (the limit)", "4 months"])
def test_resume_gap_at_three_months(clean, next_start, flagged):
    _resume(clean, (date(1998, 9, 1), date(2002, 7, 1), "示范大学学习"), (next_start, None, "甲镇科员"))
    assert ("resume_gap" in checks_for(clean)) is flagged
