"""The pages in zh-hans: lists with progress and its weighting explained, one list, one problem with each
step as a POST, Excel import (a row refused naming its row and field) and export, who sees what."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from zugong.conftest import Tree, logged_in
from zugong.rectification.models import ClosureStatus, Problem, ProblemList, ProblemStatus, Severity
from zugong.rectification.tests.helpers import (
    add_problem,
    exe_as_pdf,
    issue_list,
    pdf_upload,
    rectifying_problem,
)

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def test_lists_page_shows_progress_and_explains_the_weighting(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    add_problem(problem.problem_list, alice, "严重", severity=Severity.GRAVE)
    page = logged_in(alice).get("/rectification/").content.decode()
    assert "2025年度甲镇党建述职评议问题清单" in page and "10.0%" in page
    assert "一般问题权重 1，较重问题 2，严重问题 3" in page and "整改中 40%" in page
    detail = logged_in(bob).get(f"/rectification/lists/{problem.problem_list_id}/").content.decode()
    assert "10.0%" in detail and "甲镇" in detail and "zg-problem-new" not in detail  # bob does not add problems


def test_a_problem_walks_through_every_step_on_its_page(tree: Tree, alice: User, bob: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    township, county = logged_in(bob), logged_in(alice)
    url = f"/rectification/problems/{problem.pk}/"
    assert "zg-plan-form" in township.get(url).content.decode()
    township.post(url + "plan/", {"measures": "建立台账", "deadline": (TODAY + timedelta(days=30)).isoformat(),
                                  "milestones": f"{TODAY.isoformat()} 建台账"})
    assert "zg-plan-review" in county.get(url).content.decode()
    county.post(url + "plan/review/", {"decision": "accept"})
    # closing without evidence is refused with the reason on the page
    response = township.post(url + "close/", {"summary": "已整改"}, follow=True)
    assert "申请销号须附佐证材料（图片或 PDF）" in response.content.decode()
    response = township.post(url + "close/", {"summary": "已整改", "evidence": [exe_as_pdf()]}, follow=True)
    assert "佐证.pdf：只接受 PDF" in response.content.decode()
    township.post(url + "close/", {"summary": "已整改", "evidence": [pdf_upload()]})
    county.post(url + "close/review/", {"decision": "return", "reason": "佐证材料不足"})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFYING
    assert problem.closures.get().status == ClosureStatus.REJECTED
    township.post(url + "close/", {"summary": "补充材料", "evidence": [pdf_upload("会议记录.pdf")]})
    county.post(url + "close/review/", {"decision": "accept"})
    county.post(url + "reopen/", {"reason": "回头看发现反弹"})
    county.post(url + "checks/", {"verdict": "not_in_place", "checked_on": TODAY.isoformat(), "note": "仍有反弹"})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFYING and problem.checks.get().verdict == "not_in_place"
    page = county.get(url).content.decode()
    assert "佐证材料不足" in page and "回头看发现反弹" in page and "不到位" in page and "会议记录.pdf" in page
    assert "会议记录.pdf" in township.get(url).content.decode().split('id="zg-evidence-files"')[1]


def test_step_pages_refuse_the_wrong_people(tree: Tree, alice: User, bob: User, carol: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    url = f"/rectification/problems/{problem.pk}/"
    assert logged_in(carol).get(url).status_code == 404
    assert logged_in(bob).post(url + "checks/", {"verdict": "in_place", "checked_on": TODAY.isoformat()}
                               ).status_code == 403  # township staff never check
    assert logged_in(bob).get("/rectification/lists/new/").status_code == 403
    assert logged_in(carol).get(f"/rectification/lists/{problem.problem_list_id}/").status_code == 404
    assert logged_in(bob).get(url + "plan/").status_code == 405


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "问题描述", "严重程度", "责任单位", "责任人"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_a_list_from_excel_refusing_only_rows_that_cannot_be_stored(tree: Tree, alice: User) -> None:
    data = _workbook([[1, "巡视反馈问题一", "严重", "甲村", "李四"], [2, "", "一般", "", ""],
                      [3, "问题三", "很严重", "", ""], [4, "问题四", "一般", "乙村", ""], [None, None, None, None, None]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = logged_in(alice).post("/rectification/lists/import/", {
        "title": "巡视反馈问题清单", "source": "inspection", "issuing_unit": tree.county_a.pk,
        "owner_unit": tree.township_a.pk, "issued_on": TODAY.isoformat(), "owner_person": "",
        "workbook": SimpleUploadedFile("清单.xlsx", data)}, follow=True)
    page = response.content.decode()
    assert "已导入 2 个问题" in page
    assert "第 3 行：“问题描述”为空" in page and "第 5 行：“责任单位”乙村不在甲镇范围内" in page
    assert "第 4 行：“严重程度”很严重不是一般、较重或严重，按一般导入" in page
    problem_list = ProblemList.objects.get(title="巡视反馈问题清单")
    rows = list(problem_list.problems.order_by("number").values_list("description", "severity", "org_unit__name",
                                                                       "responsible_person"))
    assert rows == [("巡视反馈问题一", "grave", "甲村", "李四"), ("问题三", "general", "甲镇", "")]


def test_a_file_that_is_not_a_workbook_is_refused(tree: Tree, alice: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = logged_in(alice).post("/rectification/lists/import/", {
        "title": "t", "source": "inspection", "issuing_unit": tree.county_a.pk, "owner_unit": tree.township_a.pk,
        "issued_on": TODAY.isoformat(), "workbook": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert response.status_code == 200 and "无法读取该 Excel 文件" in response.content.decode()
    assert not ProblemList.objects.exists()


def test_export_round_trips_through_import(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    add_problem(problem.problem_list, alice, "第二个问题", severity=Severity.SERIOUS)
    response = logged_in(alice).get(f"/rectification/lists/{problem.problem_list_id}/export/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:6] == ("序号", "问题描述", "严重程度", "责任单位", "责任人", "状态")
    assert rows[1][:6] == (1, "“三会一课”落实不到位", "一般", "甲镇", "张书记", "整改中")
    assert rows[2][:3] == (2, "第二个问题", "较重")
    assert logged_in(bob).get(f"/rectification/lists/{problem.problem_list_id}/export/").status_code == 403


def test_list_page_query_count_does_not_grow(tree: Tree, alice: User) -> None:
    problem_list = issue_list(tree, alice)
    add_problem(problem_list, alice)
    client = logged_in(alice)
    url = f"/rectification/lists/{problem_list.pk}/"
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(10):
        add_problem(problem_list, alice)
    assert count() == before
    assert Problem.objects.count() == 11
    with CaptureQueriesContext(connection) as ctx:
        client.get("/rectification/")
    lists_before = len(ctx.captured_queries)
    for _ in range(5):
        add_problem(issue_list(tree, alice), alice)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/rectification/").status_code == 200
    assert len(ctx.captured_queries) == lists_before


def test_evidence_downloads_in_the_problems_scope_only(tree: Tree, alice: User, bob: User, carol: User) -> None:
    from zugong.rectification.tests.helpers import upload_evidence

    evidence = upload_evidence(rectifying_problem(tree, alice, bob), bob)
    response = logged_in(alice).get(f"/files/{evidence.pk}/")
    assert response.status_code == 200 and b"".join(response).startswith(b"%PDF-")  # type: ignore[arg-type]
    assert logged_in(bob).get(f"/files/{evidence.pk}/").status_code == 200
    assert logged_in(carol).get(f"/files/{evidence.pk}/").status_code == 404


def test_problem_page_query_count_does_not_grow_with_updates_checks_and_closures(tree: Tree, alice: User,
                                                                                  bob: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zugong.core.jurisdiction import jurisdiction_for
    from zugong.rectification.services import problems as svc
    from zugong.rectification.tests.helpers import png_bytes

    problem = rectifying_problem(tree, alice, bob)
    client = logged_in(alice)
    url = f"/rectification/problems/{problem.pk}/"

    def report() -> None:
        svc.progress_report(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, text="进展",
                            files=[SimpleUploadedFile("现场.png", png_bytes())])

    def reject() -> None:
        svc.closure_request(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, summary="x",
                            files=[pdf_upload()])
        svc.closure_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk,
                           approve=False, reason="r")

    report()
    reject()
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    before = len(ctx.captured_queries)
    for _ in range(4):
        report()
    reject()
    reject()
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    assert page.count("现场.png") == 5 and page.count("整改报告.pdf") == 3 * 2  # in its closure and among the uploaded
    assert len(ctx.captured_queries) == before
