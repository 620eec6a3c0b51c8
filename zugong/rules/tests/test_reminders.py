from datetime import date

from django.core import mail

from zugong.conftest import make_user
from zugong.core.models import Meeting, MeetingKind, Role
from zugong.rules.engine import evaluate
from zugong.rules.models import Notification


def _notices(user):
    return list(Notification.objects.filter(user=user).values_list("subject_id", "period_start", "status"))


def test_one_notice_per_change_of_status(tree, alice, carol):
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a, held_on=date(2024, 3, 10))
    # given: the running month, two townships without a meeting a few days before month end
    evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    assert _notices(alice) == [(str(tree.township_a2.pk), date(2024, 3, 1), "due_soon")]
    assert _notices(carol) == [(str(tree.township_b.pk), date(2024, 3, 1), "due_soon")]
    # when: re-evaluated with nothing changed — then: no second notice
    evaluate(as_of=date(2024, 3, 28), rule="R07", periods=2)
    evaluate(as_of=date(2024, 3, 29), rule="R07", periods=1)
    assert Notification.objects.filter(period_start=date(2024, 3, 1)).count() == 2
    # when: the month closes without a meeting — then: one overdue notice each
    evaluate(as_of=date(2024, 4, 2), rule="R07", periods=2)
    evaluate(as_of=date(2024, 4, 3), rule="R07", periods=2)
    assert sorted(s for _, p, s in _notices(alice) if p == date(2024, 3, 1)) == ["due_soon", "overdue"]
    # violated (after grace) notifies nobody
    evaluate(as_of=date(2024, 4, 20), rule="R07", periods=2)
    assert Notification.objects.filter(period_start=date(2024, 3, 1), status="violated").count() == 0


def test_nearest_level_receivers_are_notified_township_staff_included(tree, alice, bob, carol):
    # given: bob is township staff of 甲镇, a second org_staff sits in 丙乡, alice over both at the county
    township_admin = make_user("zhen", tree.township_a2, Role.ORG_STAFF)
    # when: both townships and 乙镇 lack their monthly 民情分析会 a few days before month end
    evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    # then: each notice goes to the nearest level that has receivers, never outside their jurisdiction
    assert _notices(township_admin) == [(str(tree.township_a2.pk), date(2024, 3, 1), "due_soon")]
    assert _notices(bob) == [(str(tree.township_a.pk), date(2024, 3, 1), "due_soon")]
    assert _notices(alice) == []
    assert _notices(carol) == [(str(tree.township_b.pk), date(2024, 3, 1), "due_soon")]


def test_notices_are_emailed_when_enabled(tree, alice, settings, django_capture_on_commit_callbacks):
    settings.ZUGONG_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alice.email = "alice@example.org"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["alice@example.org"]
    assert mail.outbox[0].subject.startswith("【组工提醒】R07 民情分析会：")
    assert Notification.objects.filter(user=alice, emailed_at__isnull=False).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(as_of=date(2024, 3, 28), rule="R07", periods=1)
    assert len(mail.outbox) == 2


def test_no_email_when_disabled(tree, alice, settings, django_capture_on_commit_callbacks):
    settings.ZUGONG_EMAIL_ENABLED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alice.email = "alice@example.org"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    assert mail.outbox == []
    assert Notification.objects.filter(user=alice).count() == 2


def _finding(tree_unit, *, code="R16", subject_type="masswork.serviceorder", subject_id="12",
             label="MX7K2Q9P", status="overdue", responsible=None):
    from django.utils import timezone

    from zugong.rules.models import Finding, Rule
    rule = Rule.objects.get(code=code)
    Finding.objects.create(rule=rule, part="", period_start=date(2024, 3, 1), period_end=date(2024, 3, 31),
                           subject_type=subject_type, subject_id=subject_id, subject_label=label,
                           org_unit=tree_unit, status=status, detail="派单已逾期", responsible_user_id=responsible,
                           evaluated_at=timezone.now())
    return rule


def test_township_staff_get_their_overdue_order_named_by_number_not_tracking_code(tree, alice, bob, carol):
    from zugong.rules.reminders import notify_changes
    # given: an overdue order of 甲村 (in bob's township), and one of 乙村 (county B)
    rule = _finding(tree.village_a)
    _finding(tree.village_b, subject_id="13", label="ZZ99ZZ99")
    # when
    notify_changes(rule=rule, period_starts={date(2024, 3, 1)}, root_path="")
    # then: bob (nearest level with receivers) gets his township's, carol county B's, alice none of B's
    bob_titles = list(Notification.objects.filter(user=bob).values_list("title", flat=True))
    assert bob_titles == ["R16 民心墙派单：点单第 12 号（甲村）已逾期"]
    assert list(Notification.objects.filter(user=carol).values_list("subject_id", flat=True)) == ["13"]
    assert not Notification.objects.filter(user=alice).exists()
    assert not Notification.objects.filter(title__contains="MX7K2Q9P").exists()
    assert not Notification.objects.filter(title__contains="ZZ99ZZ99").exists()


def test_village_staff_are_the_nearest_level_of_their_village(tree, bob):
    from zugong.rules.reminders import notify_changes
    cun = make_user("cun", tree.village_a, Role.VILLAGE_STAFF)
    rule = _finding(tree.village_a)
    notify_changes(rule=rule, period_starts={date(2024, 3, 1)}, root_path="")
    assert list(Notification.objects.filter(user=cun).values_list("subject_id", flat=True)) == ["12"]
    assert not Notification.objects.filter(user=bob).exists()


def test_a_responsible_user_outside_the_unit_is_not_notified(tree, alice, bob, carol):
    from zugong.rules.reminders import notify_changes
    # given: a finding of 甲镇 names carol (county B) and a party member as responsible
    member = make_user("dang", tree.village_a, Role.MEMBER)
    rule = _finding(tree.township_a, code="R28", subject_type="masswork.petition", subject_id="7",
                    label="反映道路积水", responsible=carol.pk)
    _finding(tree.township_a, code="R28", subject_type="masswork.petition", subject_id="8",
             label="反映路灯", responsible=member.pk)
    notify_changes(rule=rule, period_starts={date(2024, 3, 1)}, root_path="")
    assert not Notification.objects.filter(user__in=[carol, member]).exists()
    assert sorted(Notification.objects.filter(user=bob).values_list("title", flat=True)) == [
        "R28 信访限时办结：信访事项第 7 号（甲镇）已逾期", "R28 信访限时办结：信访事项第 8 号（甲镇）已逾期"]


def test_a_responsible_receiver_above_the_nearest_level_is_notified_too(tree, alice, bob):
    from zugong.rules.reminders import notify_changes
    rule = _finding(tree.township_a, code="R28", subject_type="masswork.petition", subject_id="7",
                    label="反映道路积水", responsible=alice.pk)
    notify_changes(rule=rule, period_starts={date(2024, 3, 1)}, root_path="")
    assert Notification.objects.filter(user=alice, subject_id="7").count() == 1
    assert Notification.objects.filter(user=bob, subject_id="7").count() == 1


def test_every_link_in_an_inbox_opens_for_its_reader(tree, alice, bob, carol):
    import re

    from zugong.conftest import logged_in
    township_admin = make_user("zhen", tree.township_a2, Role.ORG_STAFF)
    cun = make_user("cun", tree.village_b, Role.VILLAGE_STAFF)
    evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    evaluate(as_of=date(2024, 4, 3), rule="R07", periods=2)
    from zugong.rules.reminders import notify_changes
    notify_changes(rule=_finding(tree.village_b), period_starts={date(2024, 3, 1)}, root_path="")
    checked = 0
    for reader in (alice, bob, carol, township_admin, cun):
        client = logged_in(reader)
        html = client.get("/rules/inbox/").content.decode()
        links = [href.replace("&amp;", "&") for href in re.findall(r'<a href="(/rules/\?rule=[^"]+)">', html)]
        assert len(links) == Notification.objects.filter(user=reader).count(), reader.username
        for href in links:
            assert client.get(href).status_code == 200, (reader.username, href)
            checked += 1
    assert checked >= 5


def test_the_inbox_hides_notices_about_units_the_reader_no_longer_sees(tree, bob):
    from zugong.conftest import logged_in
    from zugong.core.models import Membership
    from zugong.rules.reminders import notify_changes
    notify_changes(rule=_finding(tree.village_a), period_starts={date(2024, 3, 1)}, root_path="")
    assert "点单第 12 号" in logged_in(bob).get("/rules/inbox/").content.decode()
    membership = Membership.objects.get(user=bob)  # bob moved to 丙乡 (saved, as every change of a membership
    membership.org_unit = tree.township_a2         # is: the cached jurisdictions learn of it from the save)
    membership.save()
    html = logged_in(bob).get("/rules/inbox/").content.decode()
    assert "点单第 12 号" not in html and "暂无提醒" in html


def test_rule_page_excel_and_api_name_orders_by_number_not_tracking_code(tree, bob, tmp_path):
    from openpyxl import load_workbook

    from zugong.conftest import bearer, logged_in
    _finding(tree.village_a)
    client = logged_in(bob)
    html = client.get("/rules/", {"rule": "R16", "period": "2024-03-01"}).content.decode()
    assert "<td>点单第 12 号</td>" in html and "MX7K2Q9P" not in html
    path = tmp_path / "r16.xlsx"
    path.write_bytes(client.get("/rules/", {"rule": "R16", "period": "2024-03-01", "export": "xlsx"}).content)
    subjects = list(load_workbook(path)["对象明细"].iter_rows(values_only=True))
    assert subjects[1][0] == "点单第 12 号"
    body = bearer(bob).get("/api/v1/findings", {"rule": "R16"}).json()
    assert [row["subject_label"] for row in body["results"]] == ["点单第 12 号"]
