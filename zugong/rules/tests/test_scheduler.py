from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from zugong.core.management.commands.run import gunicorn_argv
from zugong.rules.scheduler import next_run, start_daily_evaluation


def test_next_run_is_today_or_tomorrow() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    assert next_run(datetime(2024, 3, 1, 0, 10, tzinfo=tz), 1, 30) == datetime(2024, 3, 1, 1, 30, tzinfo=tz)
    assert next_run(datetime(2024, 3, 1, 1, 30, tzinfo=tz), 1, 30) == datetime(2024, 3, 2, 1, 30, tzinfo=tz)


def test_scheduler_thread_starts_and_stops() -> None:
    import threading

    stop = start_daily_evaluation(at="03:15")
    assert any(t.name == "zugong-rule-scheduler" and t.is_alive() for t in threading.enumerate())
    stop.set()
    for thread in threading.enumerate():
        if thread.name == "zugong-rule-scheduler":
            thread.join(timeout=5)
    assert not any(t.name == "zugong-rule-scheduler" and t.is_alive() for t in threading.enumerate())


def test_zugong_run_loads_the_gunicorn_config_with_the_scheduler_hook() -> None:
    argv = gunicorn_argv(host="127.0.0.1", port=8000, workers=1)
    assert argv[argv.index("--config") + 1] == "python:zugong.gunicorn_conf"


def test_when_ready_does_nothing_when_switched_off(monkeypatch) -> None:
    from zugong import gunicorn_conf

    class Server:
        def __init__(self) -> None:
            self.logged: list[str] = []
            self.log = self

        def info(self, message: str, *args: object) -> None:
            self.logged.append(message % args)

    import threading

    monkeypatch.setenv("ZUGONG_EVALUATE_AT", "off")
    server = Server()
    gunicorn_conf.when_ready(server)
    assert server.logged == []
    assert not any(t.name == "zugong-rule-scheduler" and t.is_alive() for t in threading.enumerate())
