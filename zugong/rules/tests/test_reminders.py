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


def test_nearest_level_staff_and_not_township_staff_are_notified(tree, alice, bob):
    township_admin = make_user("zhen", tree.township_a2, Role.ORG_STAFF)
    evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    assert _notices(township_admin) == [(str(tree.township_a2.pk), date(2024, 3, 1), "due_soon")]
    assert _notices(alice) == [(str(tree.township_a.pk), date(2024, 3, 1), "due_soon")]
    assert _notices(bob) == []


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
