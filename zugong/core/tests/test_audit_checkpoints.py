"""Signed checkpoints anchor the chain outside the database: every way of cutting or rewriting it is caught.

Each attack below passes the plain `verify-audit` (or would, for a careful forger) and fails
`verify-audit --checkpoint FILE`.
"""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from zugong.conftest import Tree
from zugong.core.audit import GENESIS_HASH, audit_record, event_hash, verify_chain
from zugong.core.checkpoints import (
    CheckpointError,
    checkpoint_sign,
    read_lines,
    verify_checkpoints,
    write_checkpoint,
)
from zugong.core.models import AuditEvent, MeetingKind
from zugong.core.services import meeting_record
from zugong.core.tests.test_audit import tampering


@pytest.fixture
def anchored(tree: Tree, alice, settings, tmp_path: Path, monkeypatch) -> Path:
    """A chain of 12 events (10 org units, a meeting, a note) and a checkpoint file signed at its end."""
    monkeypatch.delenv("ZUGONG_AUDIT_KEY", raising=False)
    settings.ZUGONG_AUDIT_KEY_FILE = tmp_path / "keys" / "audit.key"
    settings.ZUGONG_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    settings.ZUGONG_AUDIT_CHECKPOINT_EMAIL = ""
    meeting_record(actor=alice, kind=MeetingKind.SYMPOSIUM, org_unit=tree.county_a, held_on=date(2025, 3, 3),
                   title="座谈会")
    audit_record(actor=alice, action="test.note", summary={"说明": "检查点之前"})
    write_checkpoint()
    return Path(settings.ZUGONG_AUDIT_CHECKPOINT_FILE)


def _verify(path: Path) -> str:
    report = verify_checkpoints(read_lines(path))
    return report.problem


def _rehash_from(sequence: int) -> None:
    """What a careful forger does after editing a row: recompute every hash from there on."""
    events = list(AuditEvent.objects.order_by("sequence"))
    prev = events[sequence - 2].hash if sequence > 1 else GENESIS_HASH
    with tampering() as cursor:
        for event in events[sequence - 1:]:
            new = event_hash(sequence=event.sequence, occurred_at=event.occurred_at, actor_id=event.actor_id,
                             actor_name=event.actor_name, action=event.action, object_type=event.object_type,
                             object_id=event.object_id, org_unit_id=event.org_unit_id, summary=event.summary,
                             prev_hash=prev)
            cursor.execute("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                           [prev, new, event.pk])
            prev = new


def test_checkpoint_line_is_signed_and_private(anchored: Path, settings) -> None:
    lines = read_lines(anchored)
    assert len(lines) == 1
    line = json.loads(lines[0])
    last = AuditEvent.objects.order_by("-sequence").first()
    assert (line["seq"], line["hash"]) == (12, last.hash)
    assert set(line) == {"seq", "hash", "time", "sig"} and len(line["sig"]) == 64
    assert stat.S_IMODE(anchored.stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(settings.ZUGONG_AUDIT_KEY_FILE).stat().st_mode) == 0o600
    assert _verify(anchored) == ""


def test_verify_audit_with_checkpoint_passes_and_counts(anchored: Path, alice, capsys) -> None:
    audit_record(actor=alice, action="test.note", summary={"说明": "检查点之后"})
    call_command("verify_audit", checkpoint=anchored)
    out = capsys.readouterr().out
    assert "1 个签名检查点" in out and "13 个事件" in out


def test_command_appends_a_second_checkpoint(anchored: Path, alice, capsys) -> None:
    audit_record(actor=alice, action="test.note", summary={})
    call_command("audit_checkpoint")
    assert "第 13 号事件" in capsys.readouterr().out
    assert [json.loads(line)["seq"] for line in read_lines(anchored)] == [12, 13]
    assert _verify(anchored) == ""


def test_deleting_newest_rows_fails(anchored: Path) -> None:
    # given the two newest events deleted: the rest is still a perfect chain
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence >= 11")
    assert verify_chain().intact
    # then the checkpoint says the table once reached 12
    problem = _verify(anchored)
    assert "只到第 10 号事件" in problem and "少于检查点记录的 12 个" in problem
    with pytest.raises(CommandError, match="少于检查点记录的 12 个"):
        call_command("verify_audit", checkpoint=anchored)


def test_deleting_all_rows_fails(anchored: Path) -> None:
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert verify_chain().intact and verify_chain().count == 0
    assert "只到第 0 号事件" in _verify(anchored)


def test_deleting_newest_rows_and_appending_new_ones_fails(anchored: Path, alice) -> None:
    # the table grows back past the checkpoint's length, but event 12 is now another event
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence >= 11")
    for n in range(3):
        audit_record(actor=alice, action="test.note", summary={"n": n})
    assert verify_chain().intact
    assert "第 12 号事件的哈希与检查点" in _verify(anchored)


def test_edit_and_rehash_fails(anchored: Path) -> None:
    # given row 5 edited and every hash after it recomputed: the chain alone looks intact
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_name = 'mallory' WHERE sequence = 5")
    _rehash_from(5)
    assert verify_chain().intact
    # then the signed hash of event 12 no longer matches
    problem = _verify(anchored)
    assert "第 12 号事件的哈希与检查点" in problem and "改写" in problem


def test_edit_without_rehash_fails_on_the_chain(anchored: Path) -> None:
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_name = 'mallory' WHERE sequence = 5")
    assert "第 5 号事件处断开" in _verify(anchored)


def test_an_older_checkpoint_catches_a_rewrite_before_it(anchored: Path, alice, tmp_path: Path) -> None:
    # given two checkpoints (12, then 14) and a forger who rewrote event 3 and re-hashed everything after
    audit_record(actor=alice, action="test.note", summary={})
    audit_record(actor=alice, action="test.note", summary={})
    write_checkpoint()
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'org_unit.delete' WHERE sequence = 3")
    _rehash_from(3)
    # the earliest signed event that no longer matches is named
    assert "第 12 号事件的哈希与检查点" in _verify(anchored)


def test_forged_checkpoint_line_fails(anchored: Path) -> None:
    # given a forger who re-hashed the chain and writes a checkpoint for it without the key
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_name = 'mallory' WHERE sequence = 5")
    _rehash_from(5)
    new_end = AuditEvent.objects.order_by("-sequence").first()
    forged = checkpoint_sign(key=b"x" * 40, seq=12, chain_hash=new_end.hash, time="2026-12-06T00:00:00.000000Z")
    anchored.write_text(forged.line() + "\n", encoding="utf-8")
    assert "第 1 行签名无效" in _verify(anchored)


def test_altered_checkpoint_line_fails(anchored: Path) -> None:
    # the forger keeps the signature and edits the signed fields (a smaller seq after deleting rows)
    line = json.loads(read_lines(anchored)[0])
    line["seq"] = 10
    line["hash"] = AuditEvent.objects.get(sequence=10).hash
    with anchored.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")
    assert "第 2 行签名无效" in _verify(anchored)


@pytest.mark.parametrize("text", ["not json", '{"seq": 1}', '{"seq": -1, "hash": "0", "time": "", "sig": ""}'])
def test_malformed_line_is_named(anchored: Path, text: str) -> None:
    with anchored.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
    assert "第 2 行格式不对" in _verify(anchored)


def test_empty_or_missing_checkpoint_file_fails(anchored: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert _verify(empty) == "检查点文件中没有检查点"
    with pytest.raises(CommandError, match="找不到检查点文件"):
        call_command("verify_audit", checkpoint=tmp_path / "missing.jsonl")


def test_wrong_key_fails(anchored: Path, monkeypatch) -> None:
    monkeypatch.setenv("ZUGONG_AUDIT_KEY", "k" * 40)
    assert "签名无效" in _verify(anchored)


def test_key_from_environment_needs_no_key_file(tree: Tree, settings, tmp_path: Path, monkeypatch) -> None:
    settings.ZUGONG_AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.ZUGONG_AUDIT_CHECKPOINT_FILE = tmp_path / "cp.jsonl"
    monkeypatch.setenv("ZUGONG_AUDIT_KEY", "e" * 40)
    checkpoint = write_checkpoint()
    assert not (tmp_path / "audit.key").exists()
    assert checkpoint.sig == checkpoint_sign(key=b"e" * 40, seq=10, chain_hash=checkpoint.hash,
                                             time=checkpoint.time).sig
    monkeypatch.setenv("ZUGONG_AUDIT_KEY", "short")
    with pytest.raises(CheckpointError, match="至少要有 32 个字符"):
        write_checkpoint()


def test_verify_without_key_says_so(anchored: Path, settings, tmp_path: Path) -> None:
    settings.ZUGONG_AUDIT_KEY_FILE = tmp_path / "nowhere.key"
    with pytest.raises(CommandError, match="找不到审计签名密钥"):
        call_command("verify_audit", checkpoint=anchored)
    assert not (tmp_path / "nowhere.key").exists()


def test_checkpoint_refused_over_a_rewritten_chain(anchored: Path) -> None:
    # signing now would anchor the forgery: the earlier checkpoint refuses it
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence = 12")
    with pytest.raises(CommandError, match="不写检查点"):
        call_command("audit_checkpoint")
    assert len(read_lines(anchored)) == 1


def test_first_checkpoint_refused_over_a_broken_chain(tree: Tree, settings, tmp_path: Path) -> None:
    settings.ZUGONG_AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.ZUGONG_AUDIT_CHECKPOINT_FILE = tmp_path / "cp.jsonl"
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE sequence = 2")
    with pytest.raises(CheckpointError, match="第 2 号事件处断开"):
        write_checkpoint()
    assert not (tmp_path / "cp.jsonl").exists()


def test_empty_chain_checkpoint(db, settings, tmp_path: Path) -> None:
    settings.ZUGONG_AUDIT_KEY_FILE = tmp_path / "audit.key"
    path = tmp_path / "cp.jsonl"
    checkpoint = write_checkpoint(path)
    assert (checkpoint.seq, checkpoint.hash) == (0, GENESIS_HASH)
    assert _verify(path) == ""


def test_checkpoint_is_mailed_when_asked(anchored: Path, settings) -> None:
    settings.ZUGONG_AUDIT_CHECKPOINT_EMAIL = "audit@county.example, backup@county.example"
    checkpoint = write_checkpoint()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["audit@county.example", "backup@county.example"]
    assert "#12" in message.subject
    assert json.loads(str(message.body)) == {"seq": 12, "hash": checkpoint.hash, "time": checkpoint.time,
                                        "sig": checkpoint.sig}
