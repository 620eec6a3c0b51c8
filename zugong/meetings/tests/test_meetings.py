"""Recording meetings (R07, R12, R29 data) from a page and the API: who may, where, with attendees from
the roster and checked attachments; all or nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from reportlab.pdfgen import canvas

from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import Tree, bearer, logged_in, make_user
from zugong.core.errors import Forbidden, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Attachment, AuditEvent, Meeting, MeetingKind, Role
from zugong.meetings.models import MeetingAttendee
from zugong.meetings.services import meeting_hold


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, "minutes")
    page.save()
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


YESTERDAY = timezone.localdate() - timedelta(days=1)


def test_township_records_ledger_meeting_with_attendees_and_minutes_pdf(tree: Tree, bob: User) -> None:
    # given: two cadres of bob's township
    one, two = make_cadre(tree.township_a, "王一", order=1), make_cadre(tree.village_a, "王二", order=2)
    # when
    meeting = meeting_hold(
        actor=bob, jurisdiction=jurisdiction_for(bob), kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a,
        held_on=YESTERDAY, title="三月民情分析", attendees=[one, two], other_attendees="村民代表李四",
        minutes="研究了三件事", decisions="修路", files=[SimpleUploadedFile("纪要.pdf", pdf_bytes())])
    # then
    assert set(MeetingAttendee.objects.filter(meeting=meeting).values_list("cadre_id", flat=True)) == {one.pk, two.pk}
    assert meeting.attendees == "王一、王二、村民代表李四"
    stored = Attachment.objects.get(owner_type="core.meeting", owner_id=str(meeting.pk))
    assert (stored.name, stored.kind, stored.org_unit_id) == ("纪要.pdf", "pdf", tree.township_a.pk)
    path = Path(settings.MEDIA_ROOT) / stored.stored_as
    assert path.read_bytes().startswith(b"%PDF-") and path.stat().st_mode & 0o777 == 0o600
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None and event.action == "core.meeting_record" and event.actor_name == "bob"


def test_a_renamed_executable_is_refused_and_nothing_is_saved(tree: Tree, bob: User) -> None:
    fake = SimpleUploadedFile("纪要.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(ValidationFailed, match="纪要.pdf：只接受 PDF"):
        meeting_hold(actor=bob, jurisdiction=jurisdiction_for(bob), kind=MeetingKind.LEDGER_MEETING,
                     org_unit=tree.township_a, held_on=YESTERDAY,
                     files=[SimpleUploadedFile("ok.png", png_bytes()), fake])
    assert not Meeting.objects.exists() and not Attachment.objects.exists()
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_a_pdf_that_only_starts_like_one_is_refused(tree: Tree, bob: User) -> None:
    with pytest.raises(ValidationFailed, match="不是有效的 PDF 文件"):
        meeting_hold(actor=bob, jurisdiction=jurisdiction_for(bob), kind=MeetingKind.LEDGER_MEETING,
                     org_unit=tree.township_a, held_on=YESTERDAY,
                     files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 garbage")])


def test_attachment_over_the_limit_is_refused(tree: Tree, bob: User, settings: object) -> None:
    settings.ZUGONG_ATTACHMENT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    with pytest.raises(ValidationFailed, match="不能超过"):
        meeting_hold(actor=bob, jurisdiction=jurisdiction_for(bob), kind=MeetingKind.LEDGER_MEETING,
                     org_unit=tree.township_a, held_on=YESTERDAY,
                     files=[SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" * 2048)])


@pytest.mark.parametrize(("kind", "unit", "allowed"), [
    (MeetingKind.LEDGER_MEETING, "township_a", True), (MeetingKind.LEDGER_MEETING, "county_a", False),
    (MeetingKind.RETREAT, "county_a", True), (MeetingKind.RETREAT, "city", True),
    (MeetingKind.RETREAT, "province", True), (MeetingKind.RETREAT, "township_a", False),
    (MeetingKind.STUDY_GROUP, "city", True), (MeetingKind.OTHER, "village_a", True),
])
def test_each_kind_is_held_by_its_own_level(tree: Tree, kind: str, unit: str, allowed: bool) -> None:
    admin = make_user("prov", tree.province, Role.ORG_ADMIN)
    call = lambda: meeting_hold(actor=admin, jurisdiction=jurisdiction_for(admin), kind=kind,  # noqa: E731
                                org_unit=getattr(tree, unit), held_on=YESTERDAY)
    if allowed:
        assert call().org_unit == getattr(tree, unit)
    else:
        with pytest.raises(ValidationFailed, match="应由"):
            call()


def test_dates_today_allowed_tomorrow_refused(tree: Tree, bob: User) -> None:
    today = timezone.localdate()
    kwargs: dict[str, Any] = {"actor": bob, "jurisdiction": jurisdiction_for(bob), "kind": MeetingKind.LEDGER_MEETING,
              "org_unit": tree.township_a}
    assert meeting_hold(held_on=today - timedelta(days=1), **kwargs).held_on == today - timedelta(days=1)
    assert meeting_hold(held_on=today, **kwargs).held_on == today
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        meeting_hold(held_on=today + timedelta(days=1), **kwargs)


def test_roles_and_scope(tree: Tree, bob: User, carol: User) -> None:
    leader = make_user("lead", tree.county_a, Role.LEADER)
    village = make_user("vil", tree.village_a, Role.VILLAGE_STAFF)
    for user, unit in ((leader, tree.township_a), (village, tree.village_a)):
        with pytest.raises(Forbidden, match="您没有登记会议的权限"):
            meeting_hold(actor=user, jurisdiction=jurisdiction_for(user), kind=MeetingKind.OTHER,
                         org_unit=unit, held_on=YESTERDAY)
    with pytest.raises(NotFound):
        meeting_hold(actor=carol, jurisdiction=jurisdiction_for(carol), kind=MeetingKind.LEDGER_MEETING,
                     org_unit=tree.township_a, held_on=YESTERDAY)
    outsider = make_cadre(tree.township_b, "外县", order=9)
    with pytest.raises(ValidationFailed, match="不在您管辖范围内"):
        meeting_hold(actor=bob, jurisdiction=jurisdiction_for(bob), kind=MeetingKind.LEDGER_MEETING,
                     org_unit=tree.township_a, held_on=YESTERDAY, attendees=[outsider])


def test_page_form_saves_in_chinese_with_iso_date(tree: Tree, bob: User) -> None:
    cadre = make_cadre(tree.township_a, "王一", order=1)
    client = logged_in(bob)
    form = client.get("/meetings/new/").content.decode()
    assert 'type="date"' in form and "——请选择——" in form and 'data-picker-url="/pick/cadres/"' in form
    response = client.post("/meetings/new/", {
        "kind": "ledger_meeting", "org_unit": tree.township_a.pk, "held_on": YESTERDAY.isoformat(),
        "title": "民情分析", "attendees": [cadre.pk], "minutes": "纪要",
        "attachments": [SimpleUploadedFile("照片.png", png_bytes())]}, follow=True)
    html = response.content.decode()
    assert "会议已登记：民情分析会" in html and "王一（甲镇" in html and "照片.png" in html
    meeting = Meeting.objects.get()
    file_id = Attachment.objects.get().pk
    download = client.get(f"/files/{file_id}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert logged_in(carol_user(tree)).get(f"/files/{file_id}/").status_code == 404
    assert logged_in(carol_user(tree)).get(f"/meetings/{meeting.pk}/").status_code == 404


def carol_user(tree: Tree) -> User:
    return User.objects.filter(username="carol2").first() or make_user("carol2", tree.county_b, Role.ORG_ADMIN)


def test_page_form_shows_chinese_errors_and_keeps_nothing(tree: Tree, bob: User) -> None:
    response = logged_in(bob).post("/meetings/new/", {
        "kind": "", "org_unit": tree.township_b.pk, "held_on": "2026/13/45"})
    html = response.content.decode()
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "这个字段是必填项" in html and "输入一个有效的日期" in html
    assert "选择一个有效的选项" in html  # the other county's township is not a choice


def test_member_cannot_open_the_form(tree: Tree) -> None:
    member = make_user("mem", tree.village_a, Role.MEMBER)
    assert logged_in(member).get("/meetings/new/").status_code == 403
    assert logged_in(member).get("/meetings/").status_code == 403


def test_api_create_list_and_detail(tree: Tree, alice: User, carol: User) -> None:
    cadre = make_cadre(tree.county_a, "赵一", order=1)
    client = bearer(alice)
    created = client.post("/api/v1/meetings", {
        "kind": "symposium", "org_unit_id": tree.county_a.pk, "held_on": YESTERDAY.isoformat(),
        "title": "第一季度座谈会", "attendee_ids": [cadre.pk]}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind_label"] == "座谈会" and body["attendees"][0]["name"] == "赵一"
    listed = client.get("/api/v1/meetings", {"kind": "symposium"}).json()
    assert [m["id"] for m in listed] == [body["id"]] and listed[0]["attendee_count"] == 1
    assert bearer(carol).get(f"/api/v1/meetings/{body['id']}").status_code == 404
    assert bearer(carol).get("/api/v1/meetings").json() == []
    refused = client.post("/api/v1/meetings", {"kind": "ledger_meeting", "org_unit_id": tree.county_a.pk,
                                               "held_on": YESTERDAY.isoformat()}, content_type="application/json")
    assert refused.status_code == 400 and "应由" in refused.json()["error"]["message"]
    assert client.get("/api/v1/meetings", {"limit": 0}).status_code == 422
    assert client.get("/api/v1/meetings", {"kind": "x"}).status_code == 400


def _add_meetings(tree: Tree, count: int, start: int) -> None:
    cadre = make_cadre(tree.township_a, f"参会{start}", order=100 + start)
    for i in range(count):
        meeting = Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a,
                                         held_on=date(2024, 1, 1) + timedelta(days=start + i))
        MeetingAttendee.objects.create(meeting=meeting, cadre=cadre)


def test_list_page_and_endpoint_query_counts_do_not_grow(tree: Tree, alice: User) -> None:
    client, api = logged_in(alice), bearer(alice)
    _add_meetings(tree, 2, 0)
    client.get("/meetings/"), api.get("/api/v1/meetings")  # warmed: the token's first use, the kept jurisdiction
    with CaptureQueriesContext(connection) as small_page:
        assert client.get("/meetings/").status_code == 200
    with CaptureQueriesContext(connection) as small_api:
        assert len(api.get("/api/v1/meetings").json()) == 2
    _add_meetings(tree, 30, 100)
    with CaptureQueriesContext(connection) as large_page:
        assert client.get("/meetings/").status_code == 200
    with CaptureQueriesContext(connection) as large_api:
        assert len(api.get("/api/v1/meetings").json()) == 32
    assert len(large_page.captured_queries) == len(small_page.captured_queries)
    assert len(large_api.captured_queries) == len(small_api.captured_queries)
