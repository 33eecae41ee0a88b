"""A progress line for long runs: done, total, and an estimate of the time left."""

import sys
import time

__all__ = ["Progress", "format_duration"]


def format_duration(seconds):
    """``75`` -> ``"1 min 15 s"``; ``8`` -> ``"8 s"``."""
    seconds = int(round(seconds))
    minutes, seconds = divmod(seconds, 60)
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

    def __init__(self, total, already=0, quiet=False, stream=None):
        self.total, self.done, self.fresh = total, already, 0
        self.quiet, self.stream = quiet, stream or sys.stderr
        self.started = time.monotonic()
        self._show()

    def advance(self, count=1):
        self.done += count
        self.fresh += count
        self._show()

    def estimate(self):
        """Seconds left at this run's pace, or None before anything finished."""
        if not self.fresh:
            return None
        pace = (time.monotonic() - self.started) / self.fresh
        return pace * (self.total - self.done)

    def line(self, width=30):
        filled = int(width * self.done / self.total) if self.total else width
        left = self.estimate()
        tail = "estimating time left" if left is None else f"about {format_duration(left)} left"
        if self.done >= self.total:
            tail = f"done in {format_duration(time.monotonic() - self.started)}"
        return f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} graded, {tail}"

    def _show(self):
        if self.quiet:
            return
        end = "\r" if self.stream.isatty() else "\n"
        print(self.line(), end=end, file=self.stream, flush=True)

    def finish(self):
        if not self.quiet and self.stream.isatty():
            print(file=self.stream)
