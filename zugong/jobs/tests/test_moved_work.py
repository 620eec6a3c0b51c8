"""The long work the pages hand to jobs: bulk 任免审批表 (no 200 cap), the Excel roster, the archive audit of a
large scope and a large import; each runs through the page, the job and the download."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from zugong.cadres import audit_views, pending_imports, views
from zugong.cadres.lrmx import read_lrmx, write_lrmx
from zugong.cadres.models import Cadre
from zugong.cadres.tests.factories import make_cadre, record
from zugong.conftest import logged_in
from zugong.core.models import AccessEvent
from zugong.jobs.kinds import JobContext, cadre_import
from zugong.jobs.models import Job, JobState


@pytest.fixture
def five(tree) -> list[Cadre]:
    names = ["王一", "王二", "王三", "王四", "王五"]
    return [make_cadre(tree.township_a, name=name, birth=date(1970 + i, 1, 1), order=40 + i)
            for i, name in enumerate(names)]


def run_from_page(client, url, django_capture_on_commit_callbacks) -> Job:
    # the GET asks for the POST that starts the job (a write), to the same address
    asked = client.get(url)
    assert asked.status_code == 200 and 'id="job-confirm"' in asked.content.decode() and not Job.objects.exists()
    action = re.search(r'<form method="post" action="([^"]+)" id="job-confirm">', asked.content.decode())
    assert action is not None and unquote(html.unescape(action.group(1))) == url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    return job


def downloaded(client, job: Job) -> bytes:
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    return b"".join(response)


def test_more_forms_than_a_request_renders_become_a_job_with_every_form(
        tree, alice, five, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(views, "MAX_FORMS", 2)
    web = logged_in(alice)
    job = run_from_page(web, "/cadres/export.lrmx?q=王", django_capture_on_commit_callbacks)
    assert (job.done, job.total, job.org_unit) == (5, 5, tree.county_a)
    with zipfile.ZipFile(io.BytesIO(downloaded(web, job))) as archive:
        names = sorted(read_lrmx(archive.read(n)).name for n in archive.namelist())
    assert names == sorted(c.name for c in five)
    # the worker logged the full view of each record for the person who asked
    assert AccessEvent.objects.filter(field="lrmx", user=alice).count() == 5


def test_the_roster_beyond_the_inline_rows_is_a_job(tree, alice, five, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    monkeypatch.setattr(views, "MAX_ROSTER_ROWS", 3)
    web = logged_in(alice)
    job = run_from_page(web, "/cadres/export.xlsx?q=王", django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(downloaded(web, job))).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] in {c.name for c in five}]
    assert len(rows) == 5 and job.result_name == "干部名册.xlsx"


def test_a_large_archive_audit_export_is_a_job(tree, alice, five, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(audit_views, "AUTO_AUDIT_MAX", 2)
    web = logged_in(alice)
    waiting = web.get("/cadres/audit/").content.decode()  # too many to audit in the page: offered as a job
    assert 'id="zg-audit-run"' in waiting and 'id="zg-findings"' not in waiting
    inline = web.get("/cadres/audit/export.xlsx?q=王一")  # one cadre: still answered inline
    assert inline.status_code == 200 and not Job.objects.exists()
    job = run_from_page(web, "/cadres/audit/export.xlsx", django_capture_on_commit_callbacks)
    assert job.kind == "cadres.archive_audit" and job.message.startswith("审核 5 名干部")
    header = next(load_workbook(io.BytesIO(downloaded(web, job))).worksheets[0].iter_rows(values_only=True))
    assert header == audit_views.EXPORT_HEADER


def test_auditing_all_of_a_large_scope_is_a_job_with_a_step_per_group_of_checks(
        tree, alice, five, monkeypatch, django_capture_on_commit_callbacks):
    # given: a scope above the page's limit, a person who narrowed it to county A and a résumé check
    monkeypatch.setattr(audit_views, "AUTO_AUDIT_MAX", 2)
    steps: list[tuple[int, int | None]] = []
    recorded = JobContext.progress

    def spy(self: JobContext, done: int, total: int | None = None, message: str = "") -> None:
        steps.append((done, total))
        recorded(self, done, total, message)

    monkeypatch.setattr(JobContext, "progress", spy)
    web = logged_in(alice)
    waiting = web.get(f"/cadres/audit/?org={tree.county_a.pk}&check=resume_gap").content.decode()
    assert 'name="check" value="resume_gap"' in waiting and 'id="zg-findings"' not in waiting
    # when: 审核全部 is submitted
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post("/cadres/audit/run/", {"org": tree.county_a.pk, "check": "resume_gap"})
    # then: a job of the unit, with the filters, that went step by step to the end
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert (job.kind, job.org_unit, job.params) == (
        "cadres.archive_audit", tree.county_a, {"query": f"org={tree.county_a.pk}&check=resume_gap"})
    assert (job.state, job.done, job.total) == (JobState.DONE, 2, 2)
    assert steps == [(0, 2), (1, 2), (1, 2), (2, 2)]  # the résumé generator, its end, the Excel list
    assert job.message.startswith("审核 5 名干部，发现 ")
    # a full audit has a step for each of the five groups of checks and one for the list
    with django_capture_on_commit_callbacks(execute=True):
        web.post("/cadres/audit/run/", {})
    assert Job.objects.order_by("-pk").first().total == 6  # type: ignore[union-attr]


def test_a_set_based_check_is_answered_in_the_page_whatever_the_scope(tree, alice, five, monkeypatch):
    monkeypatch.setattr(audit_views, "AUTO_AUDIT_MAX", 2)
    page = logged_in(alice).get("/cadres/audit/?check=party_before_18").content.decode()
    assert 'id="zg-audit-large"' not in page and "共审核 5 人" in page and not Job.objects.exists()


def test_auditing_all_refuses_a_unit_out_of_sight_and_a_role_without_the_audit(tree, alice, bob, carol):
    assert logged_in(carol).post("/cadres/audit/run/", {"org": tree.county_a.pk}).status_code == 404
    assert logged_in(bob).post("/cadres/audit/run/", {}).status_code == 403
    assert logged_in(alice).get("/cadres/audit/run/").status_code == 405
    assert not Job.objects.exists()


def test_a_large_upload_is_previewed_by_a_job_and_imported_by_another(
        tree, alice, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(views, "IMPORT_JOB_BYTES", 10)
    web = logged_in(alice)
    upload = io.BytesIO(write_lrmx(record("赵六", date(1985, 6, 1), 7)))
    upload.name = "赵六.lrmx"
    # when: the upload is above the size a request parses
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post("/cadres/import/", {"org": tree.township_a.pk, "uploads": [upload]})
    # then: a preview job, nothing saved, the preview kept on the job and offered from its page
    preview = Job.objects.get()
    assert response["Location"] == f"/jobs/{preview.pk}/"
    preview.refresh_from_db()
    assert (preview.kind, preview.state, preview.org_unit) == ("cadres.import_preview", JobState.DONE, tree.township_a)
    assert preview.message == "预览：将新增 1 人，更新 0 人，请确认导入"
    assert not Cadre.objects.exists()
    job_page = web.get(f"/jobs/{preview.pk}/").content.decode()
    assert f'href="/cadres/import/?job={preview.pk}" id="job-follow-up"' in job_page
    shown = web.get(f"/cadres/import/?job={preview.pk}")
    token = shown.context["token"]
    assert token and token == preview.outcome["token"] and 'id="zg-import-confirm"' in shown.content.decode()
    assert [(p["name"], p["action"]) for p in shown.context["preview"]] == [("赵六", "新增")]
    # when: confirmed (the files are still above the size): the import is a job too
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post("/cadres/import/", {"token": token})
    job = Job.objects.exclude(pk=preview.pk).get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert (job.kind, job.state) == ("cadres.import", JobState.DONE), job.error
    assert job.message.startswith("已导入 1 人")
    assert Cadre.objects.get(org_unit=tree.township_a).name == "赵六"
    # the preview cannot be confirmed twice: its files are gone
    assert web.get(f"/cadres/import/?job={preview.pk}")["Location"] == "/cadres/import/"
    assert cadre_import.JOB_THRESHOLD_BYTES == 2 * 1024 * 1024


def test_a_previewed_upload_with_errors_keeps_no_files_and_offers_no_confirmation(
        tree, alice, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(views, "IMPORT_JOB_BYTES", 10)
    web = logged_in(alice)
    upload = io.BytesIO(b"<not an lrmx file")
    upload.name = "坏.lrmx"
    with django_capture_on_commit_callbacks(execute=True):
        web.post("/cadres/import/", {"org": tree.township_a.pk, "uploads": [upload]})
    preview = Job.objects.get()
    preview.refresh_from_db()
    assert preview.state == JobState.DONE and preview.message.startswith("发现 1 处错误")
    assert preview.outcome["token"] == "" and preview.outcome["errors"][0]["file"] == "坏.lrmx"
    page = web.get(f"/cadres/import/?job={preview.pk}").content.decode()
    assert 'id="zg-import-errors"' in page and 'id="zg-import-confirm"' not in page
    assert not list(pending_imports.root().iterdir())


def test_only_the_owner_opens_an_import_preview(tree, alice, carol, monkeypatch, django_capture_on_commit_callbacks):
    from zugong.conftest import make_user
    from zugong.core.models import Role

    monkeypatch.setattr(views, "IMPORT_JOB_BYTES", 10)
    dave = make_user("dave", tree.county_a, Role.ORG_STAFF)
    upload = io.BytesIO(write_lrmx(record("赵六", date(1985, 6, 1), 7)))
    upload.name = "赵六.lrmx"
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(alice).post("/cadres/import/", {"org": tree.township_a.pk, "uploads": [upload]})
    preview = Job.objects.get()
    # a colleague sees the job but not the preview's confirmation; county B sees neither
    assert logged_in(dave).get(f"/jobs/{preview.pk}/").status_code == 200
    assert logged_in(dave).get(f"/cadres/import/?job={preview.pk}").status_code == 404
    assert logged_in(carol).get(f"/cadres/import/?job={preview.pk}").status_code == 404
    assert logged_in(alice).get("/cadres/import/?job=abc").status_code == 404
