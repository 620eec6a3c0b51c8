"""schemathesis over the whole /api/v1/ schema (issue 16): no server error, every response as its schema says.

Bounded: a few deterministic examples per operation (hypothesis `derandomize`) and a time budget, so it
stays well under 5 minutes on 2 cores. It runs on PostgreSQL (CI's second database run), where an
out-of-range integer is a DataError rather than SQLite's OverflowError; on SQLite it is skipped."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode

from zugong.conftest import Tree
from zugong.core.services import api_token_issue

pytestmark = pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                                reason="runs on the PostgreSQL run of CI only (bounded fuzzing once is enough)")

EXAMPLES_PER_OPERATION = 6
# Valid input must conform; invalid input (out-of-range ids, wrong types) must be a 4xx, never a 5xx.
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
BUDGET_SECONDS = 180.0


def _schema() -> Any:
    from django.core.wsgi import get_wsgi_application

    from zugong.api import api

    raw = api.get_openapi_schema(path_prefix="/api/v1/")
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema


@pytest.fixture
def _connections_kept_open() -> Iterator[None]:
    """As django.test.Client does: the WSGI handler would close the test's connection after each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _operations(schema: Any) -> Iterator[Any]:
    for result in schema.get_all_operations():
        yield result.ok()


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str], failures: list[str],
          statuses: dict[int, int]) -> None:
    """EXAMPLES_PER_OPERATION deterministic cases of one operation; failed checks are collected, not raised,
    so one run reports every operation that fails."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    @hypothesis_settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        try:
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
        except (AssertionError, BaseExceptionGroup) as exc:  # a check failed
            failures.append(f"{mode.value} {operation.method.upper()} {case.formatted_path}: "
                            f"{str(exc).splitlines()[:3]}")
        else:
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    run()


@pytest.mark.usefixtures("_connections_kept_open")
def test_whole_api_has_no_server_error_and_conforms_to_its_schema(tree: Tree, alice: User) -> None:
    # given: a county org_admin's bearer token (alice, org_admin of county A)
    headers = {"Authorization": f"Bearer {api_token_issue(actor=None, user=alice)}"}
    schema = _schema()
    failures: list[str] = []
    started = time.monotonic()
    checked = 0
    statuses: dict[int, int] = {}
    for operation, mode in ((op, mode) for mode in MODES for op in _operations(schema)):
        if time.monotonic() - started > BUDGET_SECONDS:
            break
        # when
        _fuzz(operation, mode, headers, failures, statuses)
        checked += 1
    # then
    assert checked >= 2 * 60, f"only {checked} operations within the time budget"
    assert sum(count for status, count in statuses.items() if status < 300) >= 60, statuses  # it got past auth
    assert failures == []


@pytest.mark.usefixtures("_connections_kept_open")
def test_the_fuzzing_reports_a_server_error(tree: Tree, alice: User, monkeypatch: pytest.MonkeyPatch) -> None:
    # given: the org-unit list broken on purpose
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr("zugong.core.selectors.org_unit_list", broken)
    headers = {"Authorization": f"Bearer {api_token_issue(actor=None, user=alice)}"}
    failures: list[str] = []
    # when
    for operation in _operations(_schema()):
        if operation.method == "get" and operation.path == "/api/v1/org-units":
            _fuzz(operation, GenerationMode.POSITIVE, headers, failures, {})
    # then
    assert failures and all("GET /api/v1/org-units" in f for f in failures)
