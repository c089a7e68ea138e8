"""What a build tells its user while it runs: a line as each stage ends, with its time;
on a terminal, a count of the pages rendered while that runs long; and anything it
waits for (another build holding the lock)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Silent:
    """Tells nothing (a build run from code, the preview's background builds)."""

    def stage(self, name: str, seconds: float) -> None:
        pass

    def count(self, done: int, total: int) -> None:
        pass

    def note(self, message: str) -> None:
        pass


class Printed(Silent):
    """Tells a person at a terminal, or a CI log: `quiet` keeps only what the build
    waits for."""

    EVERY = 0.5  # seconds between two counts of the pages rendered (on a terminal only)

    def __init__(self, stream: TextIO = sys.stderr, quiet: bool = False):
        self.stream, self.quiet = stream, quiet
        self.live = not quiet and stream.isatty()
        self._shown = 0.0  # when a count was last shown

    def stage(self, name: str, seconds: float) -> None:
        if not self.quiet:
            self._clear()
            print(f"  {name} ({seconds:.2f} s)", file=self.stream, flush=True)

    def count(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.live and (now - self._shown >= self.EVERY or done == total):
            self._shown = now
            print(f"\r  rendering pages: {done:,} of {total:,}", end="", file=self.stream, flush=True)

    def note(self, message: str) -> None:
        self._clear()
        print(message, file=self.stream, flush=True)

    def _clear(self) -> None:
        if self.live and self._shown:
            print("\r\033[K", end="", file=self.stream)
            self._shown = 0.0
