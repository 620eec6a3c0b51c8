"""On SQLite (the embedded default), triggers refuse UPDATE on core_auditevent and core_accessevent, as the
PostgreSQL triggers of 0002 and 0004 do for UPDATE and DELETE.

DELETE stays possible on SQLite: the test flush and `restore` empty these tables with DELETE (SQLite has
no TRUNCATE that a row trigger would not see). Deleting the newest rows or all of them is what the signed
checkpoints catch (`verify-audit --checkpoint`, docs/deploy.md).
"""

from typing import Any

from django.db import migrations

TABLES = ("core_auditevent", "core_accessevent")


def create_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改 ({table} is append-only: UPDATE refused)'); END;",
            params=None)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update", params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_accessevent_append_only_trigger")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
