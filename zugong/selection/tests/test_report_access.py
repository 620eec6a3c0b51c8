"""A personal-matters report's declared content (报告内容) is confidential: read in full by the org
department's head, or by a checker while a check of the report is open; masked for everyone else who may
see the report; every full view — page or API — writes an access event (field `declared`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zugong.conftest import bearer, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AccessEvent
from zugong.core.permissions import may
from zugong.selection import access
from zugong.selection.models import PersonalReport
from zugong.selection.selectors import report_get
from zugong.selection.services import reports
from zugong.selection.tests.conftest import World

SECRET = "在甲市有住房一套（120平方米）"


def _filed(w: World) -> PersonalReport:
    return reports.personal_report_submit(actor=w.alice, jurisdiction=w.ja, cadre=w.zhang, year=2026,
                                          submitted_on=date(2026, 1, 20), declared={"real_estate": SECRET})


def _views() -> list[tuple[int | None, str, str]]:
    return list(AccessEvent.objects.filter(field="declared").order_by("pk")
                .values_list("user_id", "channel", "object_id"))


def test_the_head_reads_the_content_and_each_view_is_logged(world: World) -> None:
    report = _filed(world)
    client = logged_in(world.alice)
    for _ in range(2):
        page = client.get(f"/selection/reports/{report.pk}/").content.decode()
        assert SECRET in page and "zg-report-masked" not in page
    api = bearer(world.alice).get(f"/api/v1/personal-reports/{report.pk}").json()
    assert api["declared"]["real_estate"] == SECRET
    assert _views() == [(world.alice.pk, "web", str(report.pk))] * 2 + [(world.alice.pk, "api", str(report.pk))]


def test_staff_see_the_report_masked_and_nothing_is_logged(world: World) -> None:
    report = _filed(world)
    page = logged_in(world.staff).get(f"/selection/reports/{report.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert SECRET not in text and "（内容保密）" in text and "zg-report-masked" in text
    api = bearer(world.staff).get(f"/api/v1/personal-reports/{report.pk}")
    assert api.status_code == 200 and api.json()["declared"] is None and api.json()["year"] == 2026
    listing = bearer(world.staff).get("/api/v1/personal-reports").json()
    assert SECRET not in str(listing) and "declared" not in listing[0]
    assert _views() == []


def test_a_checker_reads_the_content_while_the_check_is_open_only(world: World) -> None:
    # given: a draw puts the report under check
    report = _filed(world)
    reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a, year=2026,
                       share=Decimal("1"), seed=7)
    staff_j = jurisdiction_for(world.staff)
    assert not may(staff_j, "selection.report_content_view", report.org_unit)
    # when / then: the checker reads it, logged
    assert access.may_read_report(staff_j, report_get(staff_j, report.pk))
    assert SECRET in logged_in(world.staff).get(f"/selection/reports/{report.pk}/").content.decode()
    assert bearer(world.staff).get(f"/api/v1/personal-reports/{report.pk}").json()["declared"]["real_estate"] == SECRET
    assert [(u, c) for u, c, _ in _views()] == [(world.staff.pk, "web"), (world.staff.pk, "api")]
    # and: once the check is concluded, the content is masked for the checker again
    check = report.checks.get()
    reports.report_check_record(actor=world.staff, jurisdiction=staff_j, check_id=check.pk, outcome="consistent",
                                checked_on=date(2026, 3, 1))
    assert SECRET not in logged_in(world.staff).get(f"/selection/reports/{report.pk}/").content.decode()
    assert bearer(world.staff).get(f"/api/v1/personal-reports/{report.pk}").json()["declared"] is None
    assert len(_views()) == 2


def test_another_county_gets_404_and_no_log(world: World) -> None:
    from zugong.conftest import make_user
    from zugong.core.models import Role

    report = _filed(world)
    carol = make_user("carol2", world.tree.county_b, Role.ORG_ADMIN)
    assert logged_in(carol).get(f"/selection/reports/{report.pk}/").status_code == 404
    assert bearer(carol).get(f"/api/v1/personal-reports/{report.pk}").status_code == 404
    assert _views() == []
