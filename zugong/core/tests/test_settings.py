"""Settings helpers fail loudly on bad values; DEBUG is off unless asked for."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zugong.settings import database_config, env_bool, env_int, env_list, load_secret_key


def test_debug_is_off_by_default() -> None:
    assert settings.DEBUG is False


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("Yes", True), (" on ", True),
                                                ("0", False), ("false", False), ("NO", False), ("off", False)])
def test_env_bool_accepts_plain_booleans(monkeypatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("ZG_TEST_FLAG", raw)
    assert env_bool("ZG_TEST_FLAG") is expected


@pytest.mark.parametrize("raw", ["yes please", "2", "enabled", "真"])
def test_env_bool_refuses_anything_else(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("ZG_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="ZG_TEST_FLAG"):
        env_bool("ZG_TEST_FLAG")


def test_env_bool_default_when_unset_or_empty(monkeypatch) -> None:
    monkeypatch.delenv("ZG_TEST_FLAG", raising=False)
    assert env_bool("ZG_TEST_FLAG") is False
    assert env_bool("ZG_TEST_FLAG", True) is True
    monkeypatch.setenv("ZG_TEST_FLAG", "")
    assert env_bool("ZG_TEST_FLAG", True) is True


def test_env_int_parses_and_checks_minimum(monkeypatch) -> None:
    monkeypatch.delenv("ZG_TEST_INT", raising=False)
    assert env_int("ZG_TEST_INT", 7) == 7
    monkeypatch.setenv("ZG_TEST_INT", "4096")
    assert env_int("ZG_TEST_INT", 7, minimum=1024) == 4096
    monkeypatch.setenv("ZG_TEST_INT", "12")
    with pytest.raises(ImproperlyConfigured, match="at least 1024"):
        env_int("ZG_TEST_INT", 7, minimum=1024)
    monkeypatch.setenv("ZG_TEST_INT", "20MB")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("ZG_TEST_INT", 7)


def test_env_list_refuses_empty_list(monkeypatch) -> None:
    monkeypatch.setenv("ZG_TEST_LIST", " a.example , b.example ")
    assert env_list("ZG_TEST_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("ZG_TEST_LIST", " , ")
    with pytest.raises(ImproperlyConfigured, match="names nothing"):
        env_list("ZG_TEST_LIST", [])


@pytest.mark.parametrize("url", ["mysql://root@localhost/zugong", "oracle://x@y/z", "redis://localhost"])
def test_database_url_with_unsupported_scheme_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="sqlite:// or postgres://"):
        database_config(url, tmp_path)


def test_database_url_sqlite_and_postgres(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ZUGONG_TEST_DB_NAME", raising=False)
    sqlite = database_config(f"sqlite:///{tmp_path}/db/z.sqlite3", tmp_path)
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert (tmp_path / "db").is_dir()
    pg = database_config("postgres://zg:secret@db.internal:5433/zugong", tmp_path)
    assert (pg["ENGINE"], pg["NAME"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql", "zugong", "db.internal", 5433)


def test_secret_key_generated_once_with_mode_600_and_reused(tmp_path: Path, monkeypatch) -> None:
    # given no key in the environment and an empty var dir
    monkeypatch.delenv("ZUGONG_SECRET_KEY", raising=False)
    var_dir = tmp_path / "var"
    # when
    first = load_secret_key(var_dir)
    second = load_secret_key(var_dir)
    # then
    key_file = var_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text(encoding="ascii") == first == second
    assert len(first) >= 50


def test_processes_starting_together_on_a_new_install_share_one_key(tmp_path: Path, monkeypatch) -> None:
    # given: eight processes that all find no key file (two gunicorn workers on a new install, many times over)
    import subprocess
    import sys

    monkeypatch.delenv("ZUGONG_SECRET_KEY", raising=False)
    var_dir = tmp_path / "var"
    code = "import sys; from zugong.settings import load_secret_key; from pathlib import Path; " \
           "print(load_secret_key(Path(sys.argv[1])))"
    runs = [subprocess.Popen([sys.executable, "-c", code, str(var_dir)], stdout=subprocess.PIPE, text=True)
            for _ in range(8)]
    keys = {run.communicate(timeout=60)[0].strip() for run in runs}
    # then: none failed, all read the one key that was written, and no draft is left behind
    assert all(run.returncode == 0 for run in runs)
    assert keys == {(var_dir / "secret_key").read_text(encoding="ascii")}
    assert [p.name for p in var_dir.iterdir()] == ["secret_key"]


def test_new_sqlite_database_file_is_private_and_an_existing_one_kept(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        database_config(f"sqlite:///{tmp_path}/db/z.sqlite3", tmp_path)
    finally:
        os.umask(old)
    database_file = tmp_path / "db" / "z.sqlite3"
    assert stat.S_IMODE(database_file.stat().st_mode) == 0o600
    # a database that exists is neither emptied nor re-moded
    database_file.write_bytes(b"kept")
    database_file.chmod(0o640)
    database_config(f"sqlite:///{tmp_path}/db/z.sqlite3", tmp_path)
    assert database_file.read_bytes() == b"kept"
    assert stat.S_IMODE(database_file.stat().st_mode) == 0o640


def test_secret_key_from_environment_must_be_long(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ZUGONG_SECRET_KEY", "x" * 40)
    assert load_secret_key(tmp_path) == "x" * 40
    assert not (tmp_path / "secret_key").exists()
    monkeypatch.setenv("ZUGONG_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        load_secret_key(tmp_path)


def test_default_database_lives_in_the_var_dir(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"ZUGONG_VAR_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings; import django; django.setup();"
                          "print(settings.DATABASES['default']['NAME'])"],
                         env={**env, "DJANGO_SETTINGS_MODULE": "zugong.settings"}, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == str(tmp_path.resolve() / "zugong.sqlite3")
