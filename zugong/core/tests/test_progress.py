"""The CLI progress reporter: a redrawn bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io
from typing import TextIO, cast

from django.core.management.base import OutputWrapper

from zugong.core.progress import Progress, duration, is_terminal


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_redraws_one_line_with_bar_percent_count_rate_and_eta() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(out, "干部", total=1000, tty=True, clock=clock)
    clock.now += 2.0
    progress.advance(250)
    assert out.getvalue() == "\r干部 [######------------------]  25% 250/1,000 125/s 剩余 00:06"
    clock.now += 2.0
    progress.advance(250)
    clock.now += 4.0
    progress.advance(500)
    progress.finish("完成")
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.split("\r")[-1] == "干部 [########################] 100% 1,000/1,000 125/s 用时 00:08 完成\n"


def test_terminal_redraws_at_most_ten_times_a_second() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(out, "x", total=10_000, tty=True, clock=clock)
    for _ in range(500):
        clock.now += 0.001
        progress.advance()
    assert out.getvalue().count("\r") == 5  # 0.5 s of work, one redraw per 0.1 s


def test_plain_lines_every_ten_percent_and_a_final_line() -> None:
    out, clock = io.StringIO(), Clock()
    with Progress(out, "走访", total=100, tty=False, clock=clock) as progress:
        for _ in range(100):
            clock.now += 0.01
            progress.advance()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert [line.split()[1] for line in lines] == [f"{p}%" for p in range(10, 100, 10)] + ["100%"]
    assert lines[0] == "走访 10% 10/100 100/s 剩余 00:01"
    assert lines[-1] == "走访 100% 100/100 100/s 用时 00:01"


def test_plain_lines_every_few_seconds_when_percent_moves_slowly() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(out, "点单", total=1_000_000, tty=False, clock=clock, every_seconds=5)
    for _ in range(12):
        clock.now += 1
        progress.advance(1000)  # 0.1 % a second
    assert [line.split()[2] for line in out.getvalue().splitlines()] == ["5,000/1,000,000", "10,000/1,000,000"]


def test_unknown_total_counts_and_rates_without_percent() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(out, "行", tty=False, clock=clock, every_seconds=1)
    clock.now += 2
    progress.advance(300)
    progress.finish()
    assert out.getvalue().splitlines() == ["行 300 150/s 用时 00:02", "行 300 150/s 用时 00:02"]


def test_finish_writes_once_and_iterate_counts_items() -> None:
    out = io.StringIO()
    progress = Progress(out, "项", total=3, tty=False)
    assert list(progress.iterate("abc")) == ["a", "b", "c"]
    progress.finish()
    progress.finish()
    assert out.getvalue().count("100%") == 1


def test_detects_a_terminal_through_djangos_output_wrapper() -> None:
    assert is_terminal(cast(TextIO, OutputWrapper(FakeTerminal())))
    assert not is_terminal(cast(TextIO, OutputWrapper(io.StringIO())))
    terminal = FakeTerminal()
    wrapped = OutputWrapper(terminal)
    Progress(cast(TextIO, wrapped), "x", total=2, tty=None).advance(2)
    assert terminal.getvalue().startswith("\rx [")  # no newline added by the wrapper


def test_duration_format() -> None:
    assert (duration(59.4), duration(61), duration(3725)) == ("00:59", "01:01", "1:02:05")


def test_ticking_shows_a_long_call_is_alive_then_finishes() -> None:
    import threading

    out, clock = io.StringIO(), Clock()
    progress = Progress(out, "备份", tty=False, clock=clock, every_seconds=0.01)
    released = threading.Event()
    with progress.ticking():
        clock.now += 65
        released.wait(0.1)  # the ticker writes a few lines meanwhile
    progress.finish("完成")
    lines = out.getvalue().splitlines()
    assert len(lines) >= 3
    assert set(lines[:-1]) == {"备份 进行中 用时 01:05"}
    assert lines[-1] == "备份 进行中 用时 01:05 完成"


def test_slow_rates_keep_a_decimal() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(out, "评估制度", total=21, tty=False, clock=clock)
    clock.now += 50
    progress.advance(21)
    progress.finish()
    assert out.getvalue() == "评估制度 100% 21/21 0.4/s 用时 00:50\n"
