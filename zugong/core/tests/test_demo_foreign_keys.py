"""The demo loads without foreign-key constraints on PostgreSQL and checks each once at the end."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, connection, transaction

from zugong.core.demo import DemoContext, foreign_keys, foreign_keys_checked_once
from zugong.core.models import Membership, OrgKind, OrgUnit

pytestmark = pytest.mark.django_db


def context() -> DemoContext:
    from datetime import date

    return DemoContext(scale="province", seed=1, today=date(2026, 6, 1), out=io.StringIO())


def validated() -> dict[str, bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.conname, c.convalidated FROM pg_constraint c JOIN pg_namespace n "
                       "ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()")
        return dict(cursor.fetchall())


needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's constraints")


@needs_postgresql
def test_the_constraints_are_dropped_while_loading_and_come_back_validated() -> None:
    # given
    before = foreign_keys()
    assert len(before) > 50 and all(k.definition.startswith("FOREIGN KEY") for k in before)
    ctx = context()
    # when
    with foreign_keys_checked_once(ctx):
        assert foreign_keys() == []
        OrgUnit.objects.create(kind=OrgKind.PROVINCE, name="示范省", path="00001.", depth=0)
    # then: the same constraints, deferrable as Django made them, and validated
    assert foreign_keys() == before
    assert all("DEFERRABLE INITIALLY DEFERRED" in k.definition for k in before)
    assert set(validated().values()) == {True}
    assert f"[外键校验] {len(before)} 个约束" in ctx.out.getvalue()  # type: ignore[attr-defined]


@needs_postgresql
def test_a_dangling_row_fails_the_check_at_the_end() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        with foreign_keys_checked_once(context()), connection.cursor() as cursor:
            cursor.execute("INSERT INTO core_membership (user_id, org_unit_id, role, created_at) "
                           "VALUES (987654, 987654, 'org_admin', now())")
    assert not Membership.objects.exists()
    assert set(validated().values()) == {True}  # rolled back with the savepoint: the constraints as they were


@needs_postgresql
def test_a_failed_load_gets_its_constraints_back() -> None:
    before = foreign_keys()
    with pytest.raises(RuntimeError), foreign_keys_checked_once(context()):
        raise RuntimeError("a contributor failed")
    # then: all back, not validated (every later write is checked); a later load drops and adds them again
    assert foreign_keys() == before
    assert set(validated().values()) == {False}
    with foreign_keys_checked_once(context()):
        pass
    assert foreign_keys() == before and set(validated().values()) == {True}


def test_on_sqlite_nothing_is_dropped() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's half of the pair")
    ctx = context()
    with foreign_keys_checked_once(ctx):
        pass
    assert ctx.out.getvalue() == ""  # type: ignore[attr-defined]
