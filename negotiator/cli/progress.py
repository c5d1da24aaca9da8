"""A progress bar on standard error, for work that takes longer than a second or two.

    with ProgressBar("checking", total=len(packages), unit="packages") as bar:
        for package in packages:
            ...
            bar.advance()

The bar shows only on a terminal (standard error a TTY), and only once the work has run for
``delay`` seconds, so quick commands, pipes, files and tests never see it.  It redraws at most
ten times a second, fits the terminal's width, and erases itself when the work is done, so
that what the command prints afterwards starts on a clean line.

Work measured in time rather than items (a solver running against its time limit) uses
``timed=True``: the bar then fills with the seconds elapsed out of ``total``, and a background
ticker keeps it moving between the solver's reports.  ``note`` adds a short text after the
bar (e.g. the best solution so far).  Without ``total`` the bar shows a count (or seconds) and
no fill.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import IO, Any

REDRAW_EVERY = 0.1  # seconds between two redraws
DEFAULT_DELAY = 1.0  # seconds of work before the bar appears


class ProgressBar:
    """A single-line progress bar on ``stream`` (standard error by default); see the module."""

    def __init__(
        self,
        label: str,
        total: float | None = None,
        unit: str = "",
        *,
        timed: bool = False,
        delay: float | None = None,
        stream: IO[str] | None = None,
        enabled: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        width: Callable[[], int] | None = None,
    ):
        self.label = label
        self.total = total
        self.unit = unit
        self.timed = timed
        self.delay = DEFAULT_DELAY if delay is None else delay
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream) if enabled is None else enabled
        self.clock = clock
        self.width = width or (lambda: shutil.get_terminal_size().columns)
        self.done = 0.0
        self.note = ""
        self.started = clock()
        self._next_draw = self.started + self.delay
        self._shown = False
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    # -- what the work reports ------------------------------------------------------------------

    def advance(self, amount: float = 1) -> None:
        """``amount`` more items done."""
        self.done += amount
        if self.enabled:
            self._maybe_draw()

    def update(self, done: float | None = None, note: str | None = None) -> None:
        """Set how much is done and/or the note shown after the bar."""
        if done is not None:
            self.done = done
        if note is not None:
            self.note = note
        if self.enabled:
            self._maybe_draw()

    # -- drawing ----------------------------------------------------------------------------------

    def elapsed(self) -> float:
        return self.clock() - self.started

    def line(self) -> str:
        """The bar as one line of at most the terminal's width (without the carriage return)."""
        elapsed = self.elapsed()
        done = elapsed if self.timed else self.done
        columns = max(self.width(), 20)
        if self.total:
            fraction = min(max(done / self.total, 0.0), 1.0)
            count = (
                f"{done:.0f}/{self.total:.0f} s" if self.timed else f"{done:.0f}/{self.total:.0f} {self.unit}".rstrip()
            )
            tail = f" {fraction:4.0%}  {count}" + ("" if self.timed else f"  {elapsed:.0f} s")
        else:
            fraction = None
            tail = f"  {elapsed:.0f} s" if self.timed else f"  {done:.0f} {self.unit}  {elapsed:.0f} s".rstrip()
        if self.note:
            tail += f"  {self.note}"
        head = f"{self.label} "
        bar_width = min(30, columns - 1 - len(head) - len(tail) - 2)  # the last column stays free
        if fraction is not None and bar_width >= 5:
            filled = round(fraction * bar_width)
            text = f"{head}[{'#' * filled}{'.' * (bar_width - filled)}]{tail}"
        else:
            text = head + tail.lstrip()
        return text[: columns - 1]

    def _maybe_draw(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now < self._next_draw:
            return
        if now - self.started < self.delay:
            return
        with self._lock:
            self._next_draw = now + REDRAW_EVERY
            text = self.line()
            self.stream.write("\r" + text + "\x1b[K")
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        """Erase the bar, if it was drawn."""
        with self._lock:
            if self._shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self._shown = False

    # -- a ticker for work that reports rarely ------------------------------------------------------

    def start_ticking(self, every: float = 0.25) -> None:
        """Redraw every ``every`` seconds from a background thread (until the bar is closed)."""
        if not self.enabled or self._ticker is not None:
            return

        def tick() -> None:
            while not self._stop.wait(every):
                self._maybe_draw(force=True)

        self._ticker = threading.Thread(target=tick, name="progress", daemon=True)
        self._ticker.start()

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=1.0)
            self._ticker = None
        self.clear()

    def __enter__(self) -> ProgressBar:  # noqa: PYI034 (typing.Self needs Python 3.11)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
