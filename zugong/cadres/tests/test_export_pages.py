"""The list page's 任免审批表 export of a search result (LRMX, DOCX, PDF): org departments only, logged."""

import io
import zipfile
from datetime import date

import pytest

from zugong.cadres import views
from zugong.cadres.lrmx import read_lrmx
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import logged_in
from zugong.core.models import AccessEvent
from zugong.jobs.models import Job


@pytest.fixture
def two(tree):
    return [make_cadre(tree.township_a, name="王建国", birth=date(1975, 4, 9), order=11),
            make_cadre(tree.township_a2, name="王建华", birth=date(1979, 2, 3), order=12)]


@pytest.mark.django_db
def test_one_result_downloads_its_lrmx_and_logs_the_full_view(alice, two):
    response = logged_in(alice).get("/cadres/export.lrmx?q=王建国")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert read_lrmx(response.content).id_number == two[0].id_number
    assert list(AccessEvent.objects.values_list("object_id", "field")) == [(str(two[0].pk), "lrmx")]


@pytest.mark.django_db
def test_several_results_come_as_a_zip_of_forms(alice, two):
    response = logged_in(alice).get("/cadres/export.docx?q=wj")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == sorted(f"{c.pk}_{c.name}.docx" for c in two)
    assert AccessEvent.objects.filter(field="lrmx").count() == 2
    pdf = logged_in(alice).get(f"/cadres/export.pdf?org={two[1].org_unit_id}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_export_refused_to_township_staff_and_beyond_the_limit(alice, bob, two, monkeypatch):
    assert logged_in(bob).get("/cadres/export.lrmx?q=wj").status_code == 403
    assert "导出查询结果的任免审批表" not in logged_in(bob).get("/cadres/").content.decode()
    monkeypatch.setattr(views, "MAX_FORMS", 1)
    # beyond what a request renders, the export becomes a background job (zugong/jobs): no cap; the GET
    # asks for the POST that starts it (a write)
    asked = logged_in(alice).get("/cadres/export.pdf?q=wj")
    assert asked.status_code == 200 and 'id="job-confirm"' in asked.content.decode() and not Job.objects.exists()
    assert logged_in(bob).post("/cadres/export.pdf?q=wj").status_code == 403
    response = logged_in(alice).post("/cadres/export.pdf?q=wj")
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.params, job.state) == ("cadres.export_forms", {"query": "q=wj", "fmt": "pdf"}, "queued")
    assert logged_in(alice).get("/cadres/export.txt").status_code == 404
    assert not AccessEvent.objects.exists()


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_the_cadres(alice, tree, two):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web = logged_in(alice)
    web.get("/cadres/")
    with CaptureQueriesContext(connection) as few:
        assert web.get("/cadres/export.lrmx?q=wj").status_code == 200
    for i in range(5):
        make_cadre(tree.township_a2, name=f"王建{'一二三四五'[i]}", birth=date(1980, 1, 1 + i), order=30 + i)
    with CaptureQueriesContext(connection) as more:
        assert web.get("/cadres/export.lrmx?q=wj").status_code == 200
    assert len(more.captured_queries) == len(few.captured_queries)
    assert AccessEvent.objects.filter(field="lrmx").count() == 2 + 7
