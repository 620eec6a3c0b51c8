"""The tamper-evident audit chain and the access log.

Every service that changes data calls `audit_record()` inside its own transaction. Each event's hash
is SHA-256 over the canonical JSON of the event and the previous event's hash, so altering, removing
or reordering any row breaks the chain at that row; `verify_chain()` finds the first break.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone

from zugong.core.models import AccessEvent, AuditEvent, OrgUnit

GENESIS_HASH = "0" * 64
_PG_LOCK_KEY = 7_202_604  # advisory lock id serialising appends on PostgreSQL


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *, sequence: int, occurred_at: datetime, actor_id: int | None, actor_name: str, action: str,
    object_type: str, object_id: str, org_unit_id: int | None, summary: Any, prev_hash: str,
) -> str:
    body = canonical_json({
        "sequence": sequence, "occurred_at": _timestamp(occurred_at), "actor_id": actor_id,
        "actor_name": actor_name, "action": action, "object_type": object_type, "object_id": object_id,
        "org_unit_id": org_unit_id, "summary": summary,
    })
    return hashlib.sha256((body + prev_hash).encode("utf-8")).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return event_hash(
        sequence=event.sequence, occurred_at=event.occurred_at, actor_id=event.actor_id,
        actor_name=event.actor_name, action=event.action, object_type=event.object_type,
        object_id=event.object_id, org_unit_id=event.org_unit_id, summary=event.summary,
        prev_hash=event.prev_hash,
    )


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    # SQLite: settings open every transaction IMMEDIATE, so the writer already holds the lock.


def _object_ref(obj: models.Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is None:
        return object_type, object_id
    return object_type or obj._meta.label_lower, object_id or str(obj.pk)


@transaction.atomic
def audit_record(
    *, actor: AbstractBaseUser | AnonymousUser | None, action: str, obj: models.Model | None = None,
    object_type: str = "", object_id: str = "", org_unit: OrgUnit | None = None,
    summary: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Call it inside the service's transaction."""
    _lock_chain()
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    sequence = (last.sequence + 1) if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_name = actor.get_username() if actor is not None and actor.is_authenticated else ""
    kind, ident = _object_ref(obj, object_type, object_id)
    # Round-trip the summary through JSON so the hash is computed over exactly what is stored.
    clean_summary = json.loads(canonical_json(summary or {}))
    event = AuditEvent(
        sequence=sequence, occurred_at=timezone.now(), actor_id=actor_id, actor_name=actor_name,
        action=action, object_type=kind, object_id=ident, org_unit=org_unit, summary=clean_summary,
        prev_hash=prev_hash,
    )
    event.hash = _hash_of(event)
    event.save()
    return event


@dataclass(frozen=True)
class ChainReport:
    count: int
    first_bad_sequence: int | None
    reason: str

    @property
    def intact(self) -> bool:
        return self.first_bad_sequence is None


def _iter_chain(batch: int = 5000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=batch)


def verify_chain() -> ChainReport:
    """Walk the chain in insertion order; report the first event that does not fit."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for event in _iter_chain():
        if event.sequence != expected_seq:
            return ChainReport(count, expected_seq if event.sequence > expected_seq else event.sequence,
                               f"序号不连续：应为 {expected_seq}，实为 {event.sequence}")
        if event.prev_hash != expected_prev:
            return ChainReport(count, event.sequence, "前一事件的哈希不符（事件被删除、调换或篡改）")
        if _hash_of(event) != event.hash:
            return ChainReport(count, event.sequence, "事件内容与其哈希不符（事件被篡改）")
        expected_prev = event.hash
        expected_seq += 1
        count += 1
    return ChainReport(count, None, "")


def access_record_many(
    *, user: AbstractBaseUser, viewed: Sequence[tuple[models.Model, OrgUnit | None]], field: str,
    channel: str = "web",
) -> None:
    """Log full views of one field of many objects (an export), each with its org unit, in one statement."""
    AccessEvent.objects.bulk_create([
        AccessEvent(user_id=user.pk, object_type=obj._meta.label_lower, object_id=str(obj.pk), field=field,
                    org_unit=unit, channel=channel)
        for obj, unit in viewed
    ])


def access_record_rows(
    *, user: AbstractBaseUser, model: type[models.Model], viewed: Sequence[tuple[object, int | None]], field: str,
    channel: str = "web",
) -> None:
    """`access_record_many` for rows read as plain values (an API list): `viewed` holds (object id, org unit
    id) pairs, logged in one INSERT without a model instance per row (and without a transaction around it)."""
    if not viewed:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(map(quote, ("occurred_at", "user_id", "object_type", "object_id", "field", "org_unit_id",
                                    "channel")))
    insert = f"INSERT INTO {quote(AccessEvent._meta.db_table)} ({columns}) "
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    kind = model._meta.label_lower
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # two arrays: the statement's text is the same for any page size
            cursor.execute(insert + "SELECT %s, %s, %s, v.object_id, %s, v.org_unit_id, %s "
                           "FROM unnest(%s::varchar[], %s::integer[]) AS v(object_id, org_unit_id)",
                           [now, user.pk, kind, field, channel, [str(o) for o, _ in viewed], [u for _, u in viewed]])
            return
        params: list[Any] = []
        for object_id, unit_id in viewed:
            params += [now, user.pk, kind, str(object_id), field, unit_id, channel]
        cursor.execute(insert + "VALUES " + ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(viewed)), params)


def access_record(
    *, user: AbstractBaseUser, obj: models.Model | None = None, object_type: str = "", object_id: str = "",
    field: str, org_unit: OrgUnit | None = None, channel: str = "web",
) -> AccessEvent:
    """Log one full view of a confidential field (ID number, talk summary, petitioner identity)."""
    kind, ident = _object_ref(obj, object_type, object_id)
    return AccessEvent.objects.create(
        user_id=user.pk, object_type=kind, object_id=ident, field=field, org_unit=org_unit, channel=channel
    )
