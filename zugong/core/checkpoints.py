"""Signed checkpoints: the audit chain anchored outside the database.

The hash chain alone proves only that the rows agree with each other: whoever can write the table can
delete the newest rows, or edit a row and re-hash every row after it, and `verify_chain()` still passes.
A checkpoint is one line `{"seq", "hash", "time", "sig"}` — the chain's last sequence and hash at that
time, signed with HMAC-SHA256 under a key that is not in the database (ZUGONG_AUDIT_KEY, or the key file
ZUGONG_AUDIT_KEY_FILE, default var/audit.key, created mode 600 on first use). Lines are appended to
ZUGONG_AUDIT_CHECKPOINT_FILE (default var/audit-checkpoints.jsonl) and, when
ZUGONG_AUDIT_CHECKPOINT_EMAIL is set, mailed. `verify_checkpoints()` then proves that no row up to
each checkpoint was deleted or rewritten and that the table did not shrink below the latest one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Max

from zugong.core.audit import GENESIS_HASH, canonical_json, verify_chain
from zugong.core.models import AuditEvent

KEY_ENV = "ZUGONG_AUDIT_KEY"
MIN_KEY_LENGTH = 32
_HASH = re.compile(r"^[0-9a-f]{64}$")


class CheckpointError(Exception):
    """A checkpoint cannot be written or read (no key, a file that cannot be opened); message in Chinese."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    time: str
    sig: str

    def line(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class CheckpointReport:
    checkpoints: int
    events: int
    problem: str

    @property
    def intact(self) -> bool:
        return not self.problem


def _key_file() -> Path:
    return Path(settings.ZUGONG_AUDIT_KEY_FILE)


def audit_key(*, create: bool = False) -> bytes:
    """The signing key: ZUGONG_AUDIT_KEY, else the key file (generated mode 600 when `create`)."""
    explicit = os.environ.get(KEY_ENV, "")
    if explicit:
        if len(explicit) < MIN_KEY_LENGTH:
            raise CheckpointError(f"{KEY_ENV} 至少要有 {MIN_KEY_LENGTH} 个字符")
        return explicit.encode("utf-8")
    path = _key_file()
    if path.exists():
        return path.read_text(encoding="ascii").strip().encode("ascii")
    if not create:
        raise CheckpointError(f"找不到审计签名密钥：请设置 {KEY_ENV} 或提供密钥文件 {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key.encode("ascii")


def _signature(key: bytes, seq: int, chain_hash: str, time: str) -> str:
    body = canonical_json({"seq": seq, "hash": chain_hash, "time": time})
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def checkpoint_sign(*, key: bytes, seq: int, chain_hash: str, time: str) -> Checkpoint:
    return Checkpoint(seq=seq, hash=chain_hash, time=time, sig=_signature(key, seq, chain_hash, time))


def checkpoint_file() -> Path:
    return Path(settings.ZUGONG_AUDIT_CHECKPOINT_FILE)


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _mail(checkpoint: Checkpoint) -> None:
    recipients = [a.strip() for a in settings.ZUGONG_AUDIT_CHECKPOINT_EMAIL.split(",") if a.strip()]
    if recipients:
        send_mail(f"zugong 审计检查点 #{checkpoint.seq}", checkpoint.line() + "\n",
                  settings.DEFAULT_FROM_EMAIL, recipients)


def write_checkpoint(path: Path | None = None) -> Checkpoint:
    """Sign the chain's current end and append it; refuse when the chain or an earlier checkpoint fails.

    Signing a chain that was already cut or rewritten would anchor the forgery, hence the check first.
    """
    target = path or checkpoint_file()
    key = audit_key(create=True)
    # The end is read first, so every event up to the one signed is among those the check below walks.
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    earlier = read_lines(target) if target.exists() else []
    report = verify_checkpoints(earlier, key=key) if earlier else _chain_only()
    if not report.intact:
        raise CheckpointError(f"审计链未通过核验，不写检查点：{report.problem}")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    checkpoint = checkpoint_sign(key=key, seq=last.sequence if last else 0,
                                 chain_hash=last.hash if last else GENESIS_HASH, time=now)
    _append(target, checkpoint.line())
    _mail(checkpoint)
    return checkpoint


def read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as error:
        raise CheckpointError(f"找不到检查点文件 {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(f"无法读取检查点文件 {path}：{error}") from error


def _chain_only() -> CheckpointReport:
    chain = verify_chain()
    if chain.intact:
        return CheckpointReport(0, chain.count, "")
    return CheckpointReport(0, chain.count, f"第 {chain.first_bad_sequence} 号事件处断开：{chain.reason}")


def _parse(number: int, text: str, key: bytes) -> Checkpoint | str:
    """The checkpoint on line `number`, or the Chinese reason it is not a valid signed one."""
    try:
        raw = json.loads(text)
        checkpoint = Checkpoint(seq=raw["seq"], hash=raw["hash"], time=raw["time"], sig=raw["sig"])
    except (ValueError, TypeError, KeyError):
        return f"检查点文件第 {number} 行格式不对（应为含 seq、hash、time、sig 的 JSON）"
    well_formed = (type(checkpoint.seq) is int and checkpoint.seq >= 0 and isinstance(checkpoint.hash, str)
                   and _HASH.match(checkpoint.hash) and isinstance(checkpoint.time, str)
                   and isinstance(checkpoint.sig, str))
    if not well_formed:
        return f"检查点文件第 {number} 行格式不对（序号、哈希或签名无效）"
    expected = _signature(key, checkpoint.seq, checkpoint.hash, checkpoint.time)
    if not hmac.compare_digest(expected, checkpoint.sig):
        return f"检查点文件第 {number} 行签名无效（检查点被伪造或改动，或密钥不是写检查点时的密钥）"
    return checkpoint


def _signed(lines: Iterable[str], key: bytes) -> list[Checkpoint] | str:
    checkpoints: list[Checkpoint] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        parsed = _parse(number, text, key)
        if isinstance(parsed, str):
            return parsed
        checkpoints.append(parsed)
    return checkpoints or "检查点文件中没有检查点"


def _anchor_problem(checkpoints: list[Checkpoint]) -> str:
    """Each checkpoint's event still exists with the signed hash; the table reaches the latest one."""
    latest = max(checkpoints, key=lambda c: c.seq)
    top = AuditEvent.objects.aggregate(top=Max("sequence"))["top"] or 0
    if top < latest.seq:
        return (f"审计链只到第 {top} 号事件，少于检查点记录的 {latest.seq} 个"
                f"（检查点 {latest.time} 之后有事件被删除）")
    stored = dict(AuditEvent.objects.filter(sequence__in={c.seq for c in checkpoints})
                  .values_list("sequence", "hash"))
    for checkpoint in sorted(checkpoints, key=lambda c: c.seq):
        found = GENESIS_HASH if checkpoint.seq == 0 else stored.get(checkpoint.seq)
        if found is None:
            return f"检查点 {checkpoint.time} 记录的第 {checkpoint.seq} 号事件不存在（事件被删除）"
        if found != checkpoint.hash:
            return (f"第 {checkpoint.seq} 号事件的哈希与检查点 {checkpoint.time} 不符"
                    f"（该事件或此前的事件被改写后重算了哈希）")
    return ""


def verify_checkpoints(lines: Iterable[str], *, key: bytes | None = None) -> CheckpointReport:
    """Signatures first, then each checkpoint against the table, then the whole chain."""
    signed = _signed(lines, key if key is not None else audit_key())
    if isinstance(signed, str):
        return CheckpointReport(0, 0, signed)
    problem = _anchor_problem(signed)
    if problem:
        return CheckpointReport(len(signed), 0, problem)
    chain = _chain_only()
    return CheckpointReport(len(signed), chain.events, chain.problem)
