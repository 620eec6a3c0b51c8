"""On PostgreSQL, a trigger refuses UPDATE and DELETE on core_accessevent, as 0002 does for core_auditevent.

The access log is evidence of who opened which confidential field: it is appended to, never changed.
SQLite relies on the model and queryset refusing updates and deletes (the same as for the audit chain).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '敏感信息查看记录只能追加，不能修改或删除 (core_accessevent is append-only: % refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_accessevent_append_only ON core_accessevent;
CREATE TRIGGER core_accessevent_append_only
    BEFORE UPDATE OR DELETE ON core_accessevent
    FOR EACH ROW EXECUTE FUNCTION core_accessevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_accessevent_append_only ON core_accessevent;
DROP FUNCTION IF EXISTS core_accessevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_attachment")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
