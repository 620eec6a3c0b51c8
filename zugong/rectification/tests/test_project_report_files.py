"""A key task's progress report with its files (checked by content like every upload: a renamed .exe is refused and
nothing is saved), shown on the item's page and read by the reporting unit; the board counts a claimant's items."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from zugong.conftest import Tree, logged_in, make_user
from zugong.core.attachments import attachments_of
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.rectification.models import ProjectReport
from zugong.rectification.selectors_projects import board
from zugong.rectification.services.projects import (
    claim_review,
    project_claim,
    project_complete,
    project_report,
)
from zugong.rectification.tests.helpers import exe_as_pdf, pdf_bytes
from zugong.rectification.tests.project_helpers import published


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def test_a_report_keeps_its_files_and_refuses_a_renamed_exe(tree: Tree, alice: User, bob: User) -> None:
    project = published(tree, alice)
    jb = jurisdiction_for(bob)
    with pytest.raises(ValidationFailed, match="佐证.pdf"):
        project_report(actor=bob, jurisdiction=jb, project_id=project.pk, org_unit=tree.township_a, text="进展",
                       percent=10, reported_on=date(2026, 9, 5), files=[exe_as_pdf()])
    assert not ProjectReport.objects.exists()  # nothing half-saved
    report = project_report(actor=bob, jurisdiction=jb, project_id=project.pk, org_unit=tree.township_a,
                            text="完成三个村的摸底", percent=20, reported_on=date(2026, 9, 5),
                            files=[SimpleUploadedFile("九月进展.pdf", pdf_bytes())])
    [document] = attachments_of(report)
    assert (document.name, document.org_unit_id) == ("九月进展.pdf", tree.township_a.pk)
    page = logged_in(bob).get(f"/rectification/projects/{project.pk}/").content.decode()
    assert "九月进展.pdf" in page.split('id="zg-reports"')[1].split("</table>")[0]
    assert logged_in(bob).get(f"/files/{document.pk}/").status_code == 200
    # the page's form sends its files too
    response = logged_in(bob).post(f"/rectification/projects/{project.pk}/reports/", {
        "report-org_unit": tree.township_a.pk, "report-text": "十月进展", "report-percent": 30,
        "report-reported_on": "2026-10-06", "report-attachments": SimpleUploadedFile("十月.pdf", pdf_bytes())})
    assert response.status_code == 302
    assert [f.name for f in attachments_of(ProjectReport.objects.get(text="十月进展"))] == ["十月.pdf"]


def test_the_board_counts_a_claimants_items(tree: Tree, alice: User) -> None:
    ja = jurisdiction_for(alice)
    under_way, done = published(tree, alice), published(tree, alice, title="党员教育阵地建设")
    clerk = make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF)
    for project in (under_way, done):
        claim = project_claim(actor=clerk, jurisdiction=jurisdiction_for(clerk), project_id=project.pk,
                              org_unit=tree.township_a2)
        claim_review(actor=alice, jurisdiction=ja, claim_id=claim.pk, approve=True)
    project_complete(actor=alice, jurisdiction=ja, project_id=done.pk, completed_on=date(2026, 11, 1))
    rows = {r.name: r for r in board(ja, org_path=tree.county_a.path, as_of=date(2026, 12, 6))}
    assert (rows["甲镇"].under_way, rows["甲镇"].completed, rows["甲镇"].claimed) == (1, 1, 0)
    assert (rows["丙乡"].under_way, rows["丙乡"].claimed, rows["丙乡"].claimed_completed) == (0, 1, 1)
    # another township's board (its own subtree) counts only what it leads or claimed
    only = board(jurisdiction_for(clerk), org_path=tree.township_a2.path, as_of=date(2026, 12, 6))
    assert [(r.name, r.claimed, r.claimed_completed) for r in only] == [("丙乡", 1, 1)]
