"""The audit chain: intact after real services write to it, broken (and named) after tampering."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper

from zugong.conftest import Tree
from zugong.core.audit import GENESIS_HASH, access_record, audit_record, verify_chain
from zugong.core.models import AccessEvent, AuditEvent, MeetingKind
from zugong.core.services import calendar_override_set, meeting_record, membership_grant

IS_PG = connection.vendor == "postgresql"
SQLITE_TRIGGER = ("CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent BEGIN SELECT "
                  "RAISE(ABORT, '审计日志只能追加，不能修改 (core_auditevent is append-only: UPDATE refused)'); END;")


@contextmanager
def tampering() -> Iterator[CursorWrapper]:
    """A raw cursor that can change core_auditevent (the append-only trigger is off: what the database's
    owner could do, and what the chain and the checkpoints must catch)."""
    with connection.cursor() as cursor:
        if IS_PG:
            # Django's deferred FK checks are pending inside the test transaction; ALTER TABLE
            # refuses to run while they are, so fire them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
        try:
            yield cursor
        finally:
            if IS_PG:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                cursor.execute(SQLITE_TRIGGER)


@pytest.fixture
def chain(tree: Tree, alice) -> list[AuditEvent]:
    """The tree's org_unit.create events plus a few more written by real services."""
    meeting_record(actor=alice, kind=MeetingKind.SYMPOSIUM, org_unit=tree.county_a, held_on=date(2025, 3, 3),
                   title="座谈会")
    membership_grant(actor=alice, user=alice, org_unit=tree.township_a, role="org_staff")
    calendar_override_set(actor=alice, day=date(2031, 1, 2), is_workday=False, note="地方调整")
    audit_record(actor=alice, action="test.note", summary={"说明": "中文摘要", "n": 3})
    return list(AuditEvent.objects.order_by("sequence"))


def test_chain_is_intact_after_services_write(chain: list[AuditEvent]) -> None:
    report = verify_chain()
    assert report.intact
    assert report.count == len(chain) == 14  # 10 units + meeting + grant + override + note
    assert [e.sequence for e in chain] == list(range(1, 15))
    assert chain[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))
    assert chain[10].action == "core.meeting_record" and chain[10].actor_name == "alice"


def test_empty_chain_is_intact(db) -> None:
    report = verify_chain()
    assert report.intact and report.count == 0


def test_updated_row_is_named(chain: list[AuditEvent]) -> None:
    target = chain[5]
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", ["org_unit.delete", target.pk])
    report = verify_chain()
    assert not report.intact
    assert report.first_bad_sequence == target.sequence == 6
    assert report.count == 5
    assert "篡改" in report.reason


def test_updated_summary_is_named(chain: list[AuditEvent]) -> None:
    target = chain[-1]
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET summary = %s WHERE id = %s", ['{"n": 4}', target.pk])
    assert verify_chain().first_bad_sequence == 14


def test_deleted_middle_row_is_named(chain: list[AuditEvent]) -> None:
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [chain[6].pk])
    report = verify_chain()
    assert report.first_bad_sequence == 7
    assert "序号不连续" in report.reason


def test_deleted_row_with_resequenced_tail_is_named(chain: list[AuditEvent]) -> None:
    # A careful forger renumbers the rows after the gap; the hash chain still breaks at the gap.
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [chain[6].pk])
        for event in chain[7:]:
            cursor.execute("UPDATE core_auditevent SET sequence = %s WHERE id = %s", [event.sequence - 1, event.pk])
    report = verify_chain()
    assert report.first_bad_sequence == 7
    assert "前一事件" in report.reason


def test_swapped_rows_are_named(chain: list[AuditEvent]) -> None:
    # given two neighbouring rows whose contents trade places (ids stay, so insertion order changes)
    a, b = chain[3], chain[4]
    columns = ("sequence", "occurred_at", "actor_id", "actor_name", "action", "object_type", "object_id",
               "org_unit_id", "summary", "prev_hash", "hash")
    assignments = ", ".join(f"{c} = %s" for c in columns)
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET sequence = -1 WHERE id = %s", [a.pk])
        for row, source in ((b, a), (a, b)):
            values = [getattr(source, c) for c in columns]
            values[columns.index("summary")] = '{}' if not source.summary else _json(source.summary)
            cursor.execute(f"UPDATE core_auditevent SET {assignments} WHERE id = %s", [*values, row.pk])
    # when / then
    report = verify_chain()
    assert report.first_bad_sequence == 4
    assert report.count == 3


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def test_verify_audit_command_exit_codes(chain: list[AuditEvent], capsys) -> None:
    call_command("verify_audit")
    assert "14" in capsys.readouterr().out
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_name = %s WHERE id = %s", ["mallory", chain[8].pk])
    with pytest.raises(CommandError, match="第 9 号事件"):
        call_command("verify_audit")


def test_model_and_queryset_refuse_changes(chain: list[AuditEvent]) -> None:
    event = chain[2]
    original = event.action
    event.action = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == original
    assert verify_chain().intact


@pytest.mark.postgres_only
@pytest.mark.skipif(not IS_PG, reason="the append-only trigger exists on PostgreSQL only")
@pytest.mark.parametrize("statement", [
    "UPDATE core_auditevent SET action = 'x' WHERE sequence = 2",
    "DELETE FROM core_auditevent WHERE sequence = 2",
])
def test_postgres_trigger_refuses_raw_update_and_delete(chain: list[AuditEvent], statement: str) -> None:
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.count() == 14
    assert verify_chain().intact


@pytest.mark.skipif(IS_PG, reason="SQLite's own trigger (PostgreSQL's is tested above)")
@pytest.mark.parametrize("table", ["core_auditevent", "core_accessevent"])
def test_sqlite_trigger_refuses_raw_update(chain: list[AuditEvent], alice, tree: Tree, table: str) -> None:
    access_record(user=alice, obj=tree.village_a, field="id_number", org_unit=tree.township_a, channel="page")
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET object_id = 'x'")
    assert AuditEvent.objects.count() == 14 and verify_chain().intact
    assert AccessEvent.objects.get().object_id == str(tree.village_a.pk)


def test_access_record_writes_access_event(tree: Tree, alice) -> None:
    event = access_record(user=alice, obj=tree.village_a, field="id_number", org_unit=tree.township_a,
                          channel="api")
    stored = AccessEvent.objects.get()
    assert stored.pk == event.pk
    assert (stored.user_id, stored.object_type, stored.object_id, stored.field, stored.org_unit_id,
            stored.channel) == (alice.pk, "core.orgunit", str(tree.village_a.pk), "id_number",
                                tree.township_a.pk, "api")
