"""The progress bar: on a terminal only, only for work longer than its delay, erased when done."""

from __future__ import annotations

import io

from negotiator.cli.progress import ProgressBar


class Screen(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _bar(**options) -> tuple[ProgressBar, Screen, Clock]:
    screen, clock = Screen(), Clock()
    options.setdefault("total", 200)
    bar = ProgressBar("checking", unit="packages", stream=screen, clock=clock, width=lambda: 80, **options)
    return bar, screen, clock


def test_quick_work_draws_nothing():
    bar, screen, clock = _bar()
    clock.now += 0.5
    bar.advance(200)
    bar.close()
    assert screen.getvalue() == ""


def test_work_past_the_delay_shows_a_bar_with_the_count():
    bar, screen, clock = _bar()
    clock.now += 1.5
    bar.advance(50)
    drawn = screen.getvalue()
    assert drawn.startswith("\rchecking [") and "25%" in drawn and "50/200 packages" in drawn
    assert drawn.count("#") == round(0.25 * drawn[drawn.index("[") + 1:drawn.index("]")].__len__())


def test_the_bar_fits_the_terminal():
    bar, _, clock = _bar()
    bar.width = lambda: 40
    bar.note = "a very long note that would not fit on the line at all"
    clock.now += 2
    assert len(bar.line()) < 40


def test_closing_erases_the_bar():
    bar, screen, clock = _bar()
    clock.now += 2
    bar.advance(10)
    bar.close()
    assert screen.getvalue().endswith("\r\x1b[K")


def test_redraws_are_limited_to_ten_a_second():
    bar, screen, clock = _bar()
    clock.now += 2
    for _ in range(100):
        bar.advance()
    assert screen.getvalue().count("\r") == 1


def test_nothing_is_drawn_when_standard_error_is_not_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar("checking", total=10, stream=stream, delay=0)
    bar.advance(5)
    bar.close()
    assert not bar.enabled and stream.getvalue() == ""


def test_a_timed_bar_fills_with_the_seconds_out_of_the_time_limit():
    bar, _, clock = _bar(total=10, timed=True)
    clock.now += 5
    bar.update(note="best: parties satisfied 5")
    line = bar.line()
    assert "50%" in line and "5/10 s" in line and "parties satisfied 5" in line


def test_without_a_total_the_bar_shows_a_count_and_no_fill():
    bar, _, clock = _bar(total=None)
    clock.now += 3
    bar.advance(7)
    assert "[" not in bar.line() and "7 packages" in bar.line()


def test_check_all_off_a_terminal_prints_nothing_on_stderr(cli):
    cli.ok("party", "add", "DPRK", "--name", "North Korea")
    cli.ok("package", "new", "p")
    outcome = cli.ok("check", "--all")
    assert outcome.stderr == ""


def test_check_all_on_a_terminal_erases_its_bar_before_saying_what_it_wrote(cli, monkeypatch, tmp_path):
    from negotiator.cli import progress

    monkeypatch.setattr(progress, "DEFAULT_DELAY", 0.0)
    monkeypatch.setattr(progress, "_isatty", lambda stream: True)
    cli.ok("party", "add", "DPRK", "--name", "North Korea")
    for name in ("p", "q"):
        cli.ok("package", "new", name)
    for fmt in ("csv", "table"):
        stderr = cli.ok("check", "--all", "--format", fmt, "--output", str(tmp_path / f"out.{fmt}")).stderr
        assert "checking [" in stderr and "2/2 packages" in stderr
        assert stderr.endswith(f"\r\x1b[Kwrote {tmp_path / f'out.{fmt}'}\n")
