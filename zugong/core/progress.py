"""One progress reporter for the long commands (demo, import, export, evaluate, audit, backup, restore).

On a terminal it redraws one line with `\\r`: a bar, the percentage, the count, the rate and the time
left. Anywhere else (a log file, cron, a pipe, a test) it writes plain lines, one every `every_percent`
percent or every `every_seconds` seconds, whichever comes first, so a log of a long run shows it is
alive without a line per row. The clock is injectable so tests need not sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import TextIO, TypeVar

T = TypeVar("T")
BAR_WIDTH = 24


def is_terminal(out: TextIO) -> bool:
    """Django wraps stdout in an OutputWrapper; ask the stream underneath."""
    stream = getattr(out, "_out", out)
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def count(n: float) -> str:
    return f"{n:,.0f}"


@dataclass
class Progress:
    """`with Progress(out, "干部", total=n) as p: p.advance(k)`; total may be unknown (None)."""

    out: TextIO
    label: str
    total: int | None = None
    tty: bool | None = None
    every_percent: int = 10
    every_seconds: float = 5.0
    clock: Callable[[], float] = time.monotonic
    done: int = 0
    started: float = field(init=False)
    _last_line_at: float = field(init=False)
    _last_percent: int = field(init=False, default=0)
    _last_draw_at: float = field(init=False, default=-1.0)
    _finished: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        if self.tty is None:
            self.tty = is_terminal(self.out)
        self.started = self._last_line_at = self.clock()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.finish()
        elif self.tty:
            self._write("\n")  # leave the bar where it stopped; the error prints below it

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        if self.tty:
            if now - self._last_draw_at >= 0.1 or self._complete():  # at most ten redraws a second
                self._last_draw_at = now
                self._write("\r" + self.line(now))
            return
        percent = self._percent()
        due_percent = percent is not None and percent // self.every_percent > self._last_percent // self.every_percent
        if due_percent or now - self._last_line_at >= self.every_seconds:
            self._last_line_at = now
            self._last_percent = percent or 0
            if not self._complete():
                self._write(self.line(now) + "\n")

    @contextmanager
    def ticking(self, every: float = 1.0) -> Iterator[Progress]:
        """For one long call that reports nothing itself (a backup, an export): redraw the elapsed time
        every `every` seconds on a terminal, a plain line every `every_seconds` elsewhere, until it returns."""
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(every if self.tty else self.every_seconds):
                self._write(("\r" + self.line(self.clock())) if self.tty else self.line(self.clock()) + "\n")

        thread = threading.Thread(target=tick, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()

    def iterate(self, items: Iterable[T]) -> Iterator[T]:
        for item in items:
            yield item
            self.advance()

    def finish(self, summary: str = "") -> None:
        if self._finished:
            return
        self._finished = True
        line = self.line(self.clock()) + (f" {summary}" if summary else "")
        self._write(("\r" + line + "\n") if self.tty else line + "\n")

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        parts = [self.label]
        percent = self._percent()
        if self.total is not None and percent is not None:
            if self.tty:
                filled = BAR_WIDTH * min(self.done, self.total) // max(self.total, 1)
                parts.append("[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]")
            parts.append(f"{percent:3d}%" if self.tty else f"{percent}%")  # fixed width only when redrawn
            parts.append(f"{count(self.done)}/{count(self.total)}")
        elif self.done == 0:  # a single long call: only the time tells it is alive
            return f"{self.label} 进行中 用时 {duration(elapsed)}"
        else:
            parts.append(count(self.done))
        parts.append(f"{rate:.1f}/s" if rate < 10 else f"{count(rate)}/s")  # 21 rules in a minute: 0.4/s, not 0/s
        if self.total is not None and self.done < self.total and rate > 0:
            parts.append(f"剩余 {duration((self.total - self.done) / rate)}")
        else:
            parts.append(f"用时 {duration(elapsed)}")
        return " ".join(parts)

    def _percent(self) -> int | None:
        if self.total is None:
            return None
        return 100 if self.total <= 0 else min(100, self.done * 100 // self.total)

    def _complete(self) -> bool:
        return self.total is not None and self.done >= self.total

    def _write(self, text: str) -> None:
        # Django's OutputWrapper appends "\n" unless told otherwise; plain streams take `ending` badly
        if hasattr(self.out, "style_func"):
            self.out.write(text, ending="")  # type: ignore[call-arg]
        else:
            self.out.write(text)
        self.out.flush()
