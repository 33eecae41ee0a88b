"""A progress line for long runs: done, total, and an estimate of the time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress", "format_duration"]


def format_duration(seconds: float) -> str:
    """``75`` -> ``"1 min 15 s"``; ``8`` -> ``"8 s"``; ``7500`` -> ``"2 h 5 min"``."""
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


class Progress:
    """Counts finished items and prints a bar with the time left, estimated from this run.

    Parameters
    ----------
    total : int
        Items in all.
    already : int
        Items finished by an earlier run (resumed), not counted in the speed.
    quiet : bool
        Print nothing.
    stream : file, default sys.stderr
    """

    def __init__(self, total: int, already: int = 0, quiet: bool = False,
                 stream: TextIO | None = None) -> None:
        self.total, self.done, self.fresh = total, already, 0
        self.quiet, self.stream = quiet, stream or sys.stderr
        self.started = time.monotonic()
        self._show()

    def advance(self, count: int = 1) -> None:
        self.done += count
        self.fresh += count
        self._show()

    def estimate(self) -> float | None:
        """Seconds left at this run's pace, or None before anything finished."""
        if not self.fresh:
            return None
        pace = (time.monotonic() - self.started) / self.fresh
        return pace * (self.total - self.done)

    def line(self, width: int = 30) -> str:
        filled = int(width * self.done / self.total) if self.total else width
        left = self.estimate()
        tail = "estimating time left" if left is None else f"about {format_duration(left)} left"
        if self.done >= self.total:
            tail = f"done in {format_duration(time.monotonic() - self.started)}"
        return f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} graded, {tail}"

    def _show(self) -> None:
        if self.quiet:
            return
        end = "\r" if self.stream.isatty() else "\n"
        print(self.line(), end=end, file=self.stream, flush=True)

    def finish(self) -> None:
        if not self.quiet and self.stream.isatty():
            print(file=self.stream)
