"""The archive audit page /cadres/audit/: filters, pages of 100, counts, Excel export; `run(checks=…)`."""

import io
import json
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from zugong.cadres import archive_audit, audit_views
from zugong.cadres.models import Cadre, ResumeLine
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import logged_in
from zugong.e2e import horizontal_overflow, phone_browser, sign_in, wait_for_text  # noqa: F401

BIRTH = date(1980, 5, 17)
# What the crowd's bulk update gives every one of them, in the order the page lists a cadre's findings.
CROWD_CHECKS = ["party_before_18", "resume_missing", "sex_vs_id", "work_before_16"]


@pytest.fixture
def crowd(tree) -> list[Cadre]:
    """40 cadres of 甲镇 (county A) with four findings each: 160 findings, 120 errors and 40 warnings."""
    cadres = [make_cadre(tree.township_a, name=f"甲{i:02d}", birth=BIRTH, order=2 * i + 1) for i in range(40)]
    pks = [c.pk for c in cadres]
    # born 1980-05: party at 16, work at 14; odd order digit = male, registered female; no résumé
    Cadre.objects.filter(pk__in=pks).update(sex="2", party_join_date=date(1996, 5, 1),
                                            work_start_date=date(1995, 1, 1))
    ResumeLine.objects.filter(cadre_id__in=pks).update(superseded_at=timezone.now())
    return cadres


@pytest.fixture
def spread(tree) -> dict[str, Cadre]:
    """One cadre with findings in each of 甲镇, 丙乡 (county A) and 乙镇 (county B)."""
    jia = make_cadre(tree.township_a, name="甲一", birth=BIRTH, order=101)
    bing = make_cadre(tree.township_a2, name="丙一", birth=BIRTH, order=103)
    yi = make_cadre(tree.township_b, name="乙一", birth=BIRTH, order=105)
    number = jia.id_number or ""
    wrong_digit = number[:17] + ("0" if number[17] != "0" else "1")
    Cadre.objects.filter(pk=jia.pk).update(id_number=wrong_digit, sex="2")  # id_check_digit, sex_vs_id
    Cadre.objects.filter(pk=bing.pk).update(party_join_date=date(1997, 1, 1))  # party_before_18
    Cadre.objects.filter(pk=yi.pk).update(work_start_date=date(1995, 1, 1))  # work_before_16
    return {c.name: Cadre.objects.get(pk=c.pk) for c in (jia, bing, yi)}


def findings_table(html: str) -> list[tuple[str, str]]:
    """(name, check) of each row of the findings table."""
    body = html.split('id="zg-findings"')[1].split("</table>")[0]
    return [(name, check) for check, name in
            re.findall(r'<tr data-check="(\w+)"><td><a href="/cadres/\d+/">([^<]+)</a>', body)]


def counts(html: str, table: str, attribute: str) -> dict[str, int]:
    body = html.split(f'id="{table}"')[1].split("</table>")[0]
    return {code: int(n) for code, n in
            re.findall(rf'<tr data-{attribute}="(\w+)">.*?<td>(?:<a href="[^"]*">)?(\d+)(?:</a>)?</td></tr>', body)}


def masked(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}"


# -- archive_audit.run(checks=…) ------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_with_checks_returns_exactly_the_subset_of_the_full_run(crowd, spread):
    # given
    cadres = Cadre.objects.all()
    checked, everything = archive_audit.run(cadres, today=date(2025, 6, 1))
    assert checked == 43 and len(everything) == 160 + 4
    # when / then: for every code, the filtered run is the full run's subset, in the same order
    for code in archive_audit.CHECKS:
        subset_checked, subset = archive_audit.run(cadres, today=date(2025, 6, 1), checks={code})
        assert subset_checked == 43
        assert subset == [f for f in everything if f.check == code], code
    _, party = archive_audit.run(cadres, today=date(2025, 6, 1), checks={"party_before_18"})
    assert [f.name for f in party] == ["丙一"] + [f"甲{i:02d}" for i in range(40)]
    assert {f.check for f in party} == {"party_before_18"}


@pytest.mark.django_db
def test_run_with_one_sql_check_skips_the_other_checks(spread, django_assert_num_queries):
    # party_before_18 is one SQL statement, plus the count of cadres checked: nothing else runs
    with django_assert_num_queries(2):
        _, findings = archive_audit.run(Cadre.objects.all(), today=date(2025, 6, 1), checks={"party_before_18"})
    assert [(f.name, f.check) for f in findings] == [("丙一", "party_before_18")]


def test_every_check_belongs_to_exactly_one_generator():
    codes = [code for generated, _ in archive_audit._GENERATORS for code in generated]
    assert sorted(codes) == sorted(archive_audit.CHECKS)


@pytest.mark.django_db
def test_run_refuses_unknown_checks(tree):
    with pytest.raises(archive_audit.UnknownCheck, match="未知的审核项目：bogus"):
        archive_audit.run(Cadre.objects.all(), today=date(2025, 6, 1), checks={"bogus", "sex_vs_id"})


# -- the page ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_second_page_shows_findings_101_to_160_and_counts_over_all(alice, crowd):
    # when
    html = logged_in(alice).get("/cadres/audit/?page=2").content.decode()
    # then
    assert "共审核 40 人，发现问题 160 处。" in html
    assert "第 101–160 处，共 160 处" in html
    assert findings_table(html) == [(f"甲{i:02d}", check) for i in range(25, 40) for check in CROWD_CHECKS]
    assert counts(html, "zg-audit-severities", "severity") == {"error": 120, "warning": 40}
    by_check = counts(html, "zg-audit-checks", "check")
    assert by_check == {code: (40 if code in CROWD_CHECKS else 0) for code in archive_audit.CHECKS}
    assert 'href="?check=sex_vs_id">40</a>' in html and 'href="?severity=warning">40</a>' in html
    pages = html.split('id="zg-audit-pages"')[1].split("</nav>")[0]
    assert 'href="?page=1" rel="prev"' in pages and 'href="?page=1">1</a>' in pages
    assert '<a aria-current="page">2</a>' in pages and 'rel="next"' not in pages


@pytest.mark.django_db
def test_first_page_shows_the_first_hundred(alice, crowd):
    html = logged_in(alice).get("/cadres/audit/").content.decode()
    assert "第 1–100 处，共 160 处" in html
    assert findings_table(html) == [(f"甲{i:02d}", check) for i in range(25) for check in CROWD_CHECKS]
    assert 'href="?page=2" rel="next"' in html and 'rel="prev"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("raw", "shown"), [
    ("abc", "第 1–100 处"), ("0", "第 1–100 处"), ("-3", "第 1–100 处"), ("1.5", "第 1–100 处"),
    ("999", "第 101–160 处"), ("99999999999999999999999", "第 101–160 处"),
])
def test_bad_page_parameter_gives_first_or_last_page(alice, crowd, raw, shown):
    response = logged_in(alice).get(f"/cadres/audit/?page={raw}")
    assert response.status_code == 200
    assert f"{shown}，共 160 处" in response.content.decode()


@pytest.mark.django_db
def test_page_size_is_the_module_constant(alice, crowd, monkeypatch):
    from zugong.cadres import audit_views

    monkeypatch.setattr(audit_views, "PAGE_SIZE", 30)
    html = logged_in(alice).get("/cadres/audit/?page=3").content.decode()
    assert "第 61–90 处，共 160 处" in html
    assert findings_table(html) == [(f"甲{i:02d}", check) for i in range(15, 23) for check in CROWD_CHECKS][:30]
    # 32 pages of 5: the first, two either side of the current one, and the last
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 5)
    pages = logged_in(alice).get("/cadres/audit/?page=16").content.decode().split('id="zg-audit-pages"')[1]
    numbers = re.findall(r">(\d+|…)<", pages.split("</nav>")[0])
    assert numbers == ["1", "…", "14", "15", "16", "17", "18", "…", "32"]


@pytest.mark.django_db
def test_check_filter_lists_only_that_check(alice, crowd):
    html = logged_in(alice).get("/cadres/audit/?check=sex_vs_id&page=2").content.decode()
    assert "共审核 40 人，发现问题 40 处。" in html and "第 1–40 处，共 40 处" in html  # page 2 → last page
    assert findings_table(html) == [(f"甲{i:02d}", "sex_vs_id") for i in range(40)]
    assert counts(html, "zg-audit-severities", "severity") == {"error": 40, "warning": 0}
    assert counts(html, "zg-audit-checks", "check")["sex_vs_id"] == 40
    assert sum(counts(html, "zg-audit-checks", "check").values()) == 40
    assert 'href="?check=sex_vs_id&amp;severity=error">40</a>' in html  # links keep the filters
    assert 'id="zg-audit-pages"' not in html
    assert '<option value="sex_vs_id" selected>' in html


@pytest.mark.django_db
def test_check_filter_runs_only_that_check(alice, spread):
    web = logged_in(alice)
    with CaptureQueriesContext(connection) as queries:
        html = web.get("/cadres/audit/?check=party_before_18").content.decode()
    assert findings_table(html) == [("丙一", "party_before_18")]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "cadres_resumeline" not in sql and "cadres_postholding" not in sql  # résumé and post checks skipped


@pytest.mark.django_db
def test_severity_filter(alice, crowd):
    html = logged_in(alice).get("/cadres/audit/?severity=warning").content.decode()
    assert "第 1–40 处，共 40 处" in html
    assert findings_table(html) == [(f"甲{i:02d}", "resume_missing") for i in range(40)]
    errors = logged_in(alice).get("/cadres/audit/?severity=error&page=2").content.decode()
    assert "第 101–120 处，共 120 处" in errors
    assert {check for _, check in findings_table(errors)} == {"party_before_18", "sex_vs_id", "work_before_16"}


@pytest.mark.django_db
def test_name_prefix_filter(alice, crowd):
    html = logged_in(alice).get("/cadres/audit/?q=甲3").content.decode()
    assert "共审核 10 人，发现问题 40 处。" in html
    assert {name for name, _ in findings_table(html)} == {f"甲{i}" for i in range(30, 40)}


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "message"), [
    ("check=bogus", "未知的审核项目：bogus"),
    ("severity=fatal", "未知的严重程度：fatal"),
    ("org=abc", "单位参数无效：abc"),
])
def test_unknown_filter_values_give_a_chinese_message(alice, spread, query, message):
    response = logged_in(alice).get(f"/cadres/audit/?{query}")
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert 'id="zg-findings"' not in html and 'id="zg-audit-filters"' in html
    export = logged_in(alice).get(f"/cadres/audit/export.xlsx?{query}")
    assert export.status_code == 400 and message in export.content.decode()


# who → names of the spread cadres listed without a filter; units in the jurisdiction
VISIBLE = {"alice": {"甲一", "丙一"}, "carol": {"乙一"}}
IN_UNIT = {"township_a": {"甲一"}, "township_a2": {"丙一"}, "township_b": {"乙一"}}


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_org_filter_and_listing_stay_in_jurisdiction(who, people, tree, spread):
    web = logged_in(people[who])
    listed = {name for name, _ in findings_table(web.get("/cadres/audit/").content.decode())}
    assert listed == VISIBLE[who]
    exported = {row[0] for row in sheet_rows(web.get("/cadres/audit/export.xlsx").content)[1:]}
    assert exported == VISIBLE[who]
    for unit_name, names in IN_UNIT.items():
        unit = getattr(tree, unit_name)
        allowed = names <= VISIBLE[who]
        page = web.get(f"/cadres/audit/?org={unit.pk}")
        export = web.get(f"/cadres/audit/export.xlsx?org={unit.pk}")
        assert (page.status_code, export.status_code) == ((200, 200) if allowed else (404, 404)), unit_name
        if allowed:
            assert {name for name, _ in findings_table(page.content.decode())} == names
            assert {row[0] for row in sheet_rows(export.content)[1:]} == names
    denied_html = web.get(f"/cadres/audit/?org={tree.county_a.pk}").content.decode()
    assert not ({"甲一", "丙一"} - VISIBLE[who]) & set(re.findall(r"[甲丙乙]一", denied_html))


@pytest.mark.django_db
def test_township_staff_may_not_open_the_audit(bob, spread):
    web = logged_in(bob)
    for url in ("/cadres/audit/", "/cadres/audit/export.xlsx"):
        response = web.get(url)
        assert response.status_code == 403 and "您没有审核干部档案的权限" in response.content.decode()


@pytest.mark.django_db
def test_org_filter_takes_the_subtree(alice, tree, spread):
    html = logged_in(alice).get(f"/cadres/audit/?org={tree.county_a.pk}").content.decode()
    assert findings_table(html) == [("丙一", "party_before_18"), ("甲一", "id_check_digit"), ("甲一", "sex_vs_id")]
    assert f'<option value="{tree.county_a.pk}" selected>' in html
    units = html.split('id="zg-findings"')[1]
    assert "丙乡" in units and "甲镇" in units


def sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


@pytest.mark.django_db
def test_export_holds_exactly_the_filtered_rows_with_masked_ids(alice, tree, spread):
    web = logged_in(alice)
    jia, bing = spread["甲一"], spread["丙一"]
    # when: the whole jurisdiction
    response = web.get("/cadres/audit/export.xlsx")
    # then
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert rows[0] == ("姓名", "公民身份号码", "单位", "审核项目", "严重程度", "说明")
    assert [row[:5] for row in rows[1:]] == [
        ("丙一", masked(bing.id_number), "丙乡", "入党时未满18周岁", "错误"),
        ("甲一", masked(jia.id_number), "甲镇", "公民身份号码校验位错误", "错误"),
        ("甲一", masked(jia.id_number), "甲镇", "性别与公民身份号码不一致", "错误"),
    ]
    assert rows[1][5] == "入党 1997.01 时年仅 16 周岁（出生 1980.05），未满 18 周岁"
    assert str(rows[2][5]).startswith(f"公民身份号码“{masked(jia.id_number)}”校验位应为")
    cells = [str(value) for row in rows for value in row]
    assert not [c for c in cells if jia.id_number in c or bing.id_number in c]
    # when: filtered by check and unit
    filtered = sheet_rows(web.get(f"/cadres/audit/export.xlsx?check=sex_vs_id&org={tree.township_a.pk}").content)
    assert [row[:4] for row in filtered[1:]] == [("甲一", masked(jia.id_number), "甲镇", "性别与公民身份号码不一致")]
    assert sheet_rows(web.get("/cadres/audit/export.xlsx?severity=warning").content)[1:] == []


@pytest.mark.django_db
def test_page_masks_id_numbers_in_the_explanations_too(alice, spread):
    html = logged_in(alice).get("/cadres/audit/").content.decode()
    assert spread["甲一"].id_number not in html and f"公民身份号码“{masked(spread['甲一'].id_number)}”" in html


@pytest.mark.django_db
def test_page_links_to_export_with_the_same_filters(alice, tree, spread):
    html = logged_in(alice).get(f"/cadres/audit/?org={tree.county_a.pk}&check=sex_vs_id&q=甲").content.decode()
    link = re.search(r'href="([^"]+)" id="zg-audit-export"', html)
    assert link is not None
    assert link.group(1) == f"/cadres/audit/export.xlsx?org={tree.county_a.pk}&amp;check=sex_vs_id&amp;q=%E7%94%B2"
    assert "导出 Excel" in html


@pytest.mark.django_db
def test_page_query_count_does_not_grow_with_findings(alice, tree, spread, django_assert_max_num_queries):
    web = logged_in(alice)
    web.get("/cadres/audit/")  # session and the like warmed up
    with CaptureQueriesContext(connection) as few:
        assert findings_table(web.get("/cadres/audit/").content.decode()) != []
    # 40 more cadres, 120 more findings, a full first page of 100 rows
    for i in range(40):
        cadre = make_cadre(tree.township_a2, name=f"丙{i:02d}", birth=BIRTH, order=2 * i + 201)
        Cadre.objects.filter(pk=cadre.pk).update(sex="2", party_join_date=date(1996, 5, 1),
                                                 work_start_date=date(1995, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = web.get("/cadres/audit/").content.decode()
    assert len(findings_table(html)) == 100 and "共 123 处" in html
    with django_assert_max_num_queries(15):
        web.get(f"/cadres/audit/?org={tree.county_a.pk}&page=2")


@pytest.mark.django_db
def test_audit_page_has_no_inline_script(alice, spread):
    html = logged_in(alice).get("/cadres/audit/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attrs for attrs in scripts)
    assert "onclick" not in html and "javascript:" not in html
    assert '<div class="overflow-auto"><table class="striped" id="zg-findings">' in html


# -- zugong audit-archives --check ------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_check_option_runs_only_that_check(spread):
    out = io.StringIO()
    call_command("audit_archives", "--check", "sex_vs_id", "--check", "party_before_18", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["cadres_checked"] == 3
    assert [(f["name"], f["check"]) for f in body["findings"]] == [("丙一", "party_before_18"), ("甲一", "sex_vs_id")]
    text = io.StringIO()
    call_command("audit_archives", "--check", "work_before_16", "--org", "990122", stdout=text)
    assert text.getvalue().splitlines()[-1] == "共审核 1 人，发现问题 1 处"
    assert "乙一" in text.getvalue() and "参加工作时未满16周岁" in text.getvalue()


@pytest.mark.django_db
def test_command_rejects_unknown_check(spread):
    with pytest.raises(CommandError, match="未知的审核项目：bogus；可用的代码：id_format"):
        call_command("audit_archives", "--check", "bogus", stdout=io.StringIO())


# -- on a phone ---------------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_audit_page_fits_a_phone(live_server, phone_browser, tree, alice, spread):  # noqa: F811
    sign_in(phone_browser, live_server.url, "alice", "pw-alice")
    phone_browser.get(live_server.url + "/cadres/audit/?org=" + str(tree.county_a.pk))
    wait_for_text(phone_browser, "#zg-findings", "甲一")
    assert horizontal_overflow(phone_browser) == 0


@pytest.mark.django_db
def test_a_large_scope_waits_for_a_unit_a_quick_check_or_a_job(alice, tree, spread, monkeypatch):
    monkeypatch.setattr(audit_views, "AUTO_AUDIT_MAX", 1)
    web = logged_in(alice)
    # when: the whole county (2 spread cadres and more) is opened
    waiting = web.get("/cadres/audit/").content.decode()
    # then: nothing is audited in the page; it offers the set-based checks and the background job
    assert 'id="zg-audit-large"' in waiting and 'id="zg-findings"' not in waiting
    assert 'action="/cadres/audit/run/"' in waiting and "?check=party_before_18" in waiting
    # an old "run=1" link no longer audits the large scope inside the request
    assert 'id="zg-findings"' not in web.get("/cadres/audit/?run=1").content.decode()
    # a check decided in SQL is answered in the page; a résumé check over the large scope is not
    assert {name for name, _ in findings_table(web.get("/cadres/audit/?check=party_before_18").content.decode())} == {"丙一"}
    assert 'id="zg-audit-large"' in web.get("/cadres/audit/?check=resume_gap").content.decode()
    small = web.get(f"/cadres/audit/?org={tree.township_a2.pk}").content.decode()
    assert 'id="zg-audit-large"' not in small and {name for name, _ in findings_table(small)} == {"丙一"}
