"""The access log is append-only like the audit chain; on PostgreSQL the app's role cannot get around it.

docs/deploy.md sets up two roles: the owner runs migrations, the app role owns nothing and has only
SELECT and INSERT on the two audit tables. The PostgreSQL test builds that role in the test database and
shows that, as the app, no UPDATE, DELETE, TRUNCATE or DISABLE TRIGGER gets through, while INSERT does.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction

from zugong.conftest import Tree
from zugong.core.audit import access_record, audit_record, verify_chain
from zugong.core.models import AccessEvent, AuditEvent

IS_PG = connection.vendor == "postgresql"
AUDIT_TABLES = ("core_auditevent", "core_accessevent")


@pytest.fixture
def logged(tree: Tree, alice) -> AccessEvent:
    access_record(user=alice, obj=tree.village_a, field="id_number", org_unit=tree.township_a)
    return access_record(user=alice, obj=tree.village_b, field="id_number", org_unit=tree.township_a)


def test_access_event_model_and_queryset_refuse_changes(logged: AccessEvent) -> None:
    logged.field = "talk_summary"
    with pytest.raises(PermissionError, match="只能追加"):
        logged.save()
    with pytest.raises(PermissionError, match="只能追加"):
        logged.delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.filter(pk=logged.pk).update(field="talk_summary")
    with pytest.raises(PermissionError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.get(pk=logged.pk).field == "id_number"
    assert AccessEvent.objects.count() == 2


@pytest.mark.postgres_only
@pytest.mark.skipif(not IS_PG, reason="the append-only trigger exists on PostgreSQL only")
@pytest.mark.parametrize("statement", [
    "UPDATE core_accessevent SET field = 'x'",
    "DELETE FROM core_accessevent",
])
def test_postgres_trigger_refuses_raw_access_event_changes(logged: AccessEvent, statement: str) -> None:
    with pytest.raises(DatabaseError, match="敏感信息查看记录只能追加"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement)
    assert AccessEvent.objects.count() == 2


@pytest.fixture
def app_role(logged: AccessEvent, alice) -> Iterator[str]:
    """A role set up as docs/deploy.md says, inside the test transaction (rolled back with it)."""
    audit_record(actor=alice, action="test.note", summary={})
    name = f"zugong_app_test_{secrets.token_hex(4)}"  # roles are cluster-wide: never clash with another run
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"CREATE ROLE {name} NOLOGIN NOSUPERUSER NOINHERIT")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name}")
        cursor.execute(f"GRANT SELECT, INSERT ON {', '.join(AUDIT_TABLES)} TO {name}")
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {', '.join(AUDIT_TABLES)} FROM {name}")
        cursor.execute(f"SET ROLE {name}")
    yield name
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.postgres_only
@pytest.mark.skipif(not IS_PG, reason="database roles: PostgreSQL only")
@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize("statement", [
    "UPDATE {table} SET id = id",
    "DELETE FROM {table}",
    "TRUNCATE {table}",
    "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
    "DROP TRIGGER {table}_append_only ON {table}",
])
def test_app_role_cannot_change_or_unprotect_audit_tables(app_role: str, table: str, statement: str) -> None:
    with pytest.raises(DatabaseError, match="permission denied|must be owner|权限不够|必须是"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=table))


@pytest.mark.postgres_only
@pytest.mark.skipif(not IS_PG, reason="database roles: PostgreSQL only")
def test_app_role_appends_to_both_audit_tables(app_role: str, tree: Tree, alice) -> None:
    # when the app (as its role) writes through the ordinary services
    event = audit_record(actor=alice, action="test.as_app_role", summary={"role": "app"})
    access_record(user=alice, obj=tree.village_a, field="phone", org_unit=tree.township_a)
    # then both rows are there and the chain still verifies, read as the app role
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    assert AuditEvent.objects.order_by("-sequence").first().pk == event.pk
    assert AccessEvent.objects.filter(field="phone").count() == 1
    assert verify_chain().intact
