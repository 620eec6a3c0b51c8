"""Bulk inserts of many new rows: PostgreSQL's COPY above a threshold, `bulk_create` otherwise.

COPY skips Django's per-value preparation and the parsing of one huge INSERT, which dominate a
`bulk_create` of tens of thousands of wide rows. Keys are drawn from the table's sequence first, so
the objects have their primary keys afterwards on every backend. Field defaults are applied when
the objects are built; `auto_now` is not (set those fields before calling).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

COPY_THRESHOLD = 2_000  # rows; below it bulk_create is as fast and simpler


def bulk_insert(model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 2000,
                copy_threshold: int | None = None) -> None:
    if not objs:
        return
    threshold = COPY_THRESHOLD if copy_threshold is None else copy_threshold
    if connection.vendor == "postgresql" and len(objs) > threshold:
        copy_insert(model, objs)
    else:
        model._default_manager.bulk_create(objs, batch_size=batch_size)


def copy_insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """PostgreSQL COPY of unsaved objects, their keys drawn from the table's sequence first."""
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, len(objs)])
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
    raw = connection.connection
    assert raw is not None
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for obj in objs:
            copy.write_row([getattr(obj, f.attname) for f in fields])
