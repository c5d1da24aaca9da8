"""Headless Chromium driven through its DevTools protocol over a pipe: no driver, no download.

Chromium started with ``--remote-debugging-pipe`` reads protocol commands from file descriptor
3 and writes replies and events to descriptor 4, each message JSON ending in a NUL byte.  That
is all a test needs to open a page, listen to its console, log and network, read its DOM and
take a screenshot, with nothing but the standard library and Debian's ``chromium`` package.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

EXECUTABLE = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",  # tests run as root
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


def find() -> str | None:
    """The Chromium executable, or None."""
    if os.access(EXECUTABLE, os.X_OK):
        return EXECUTABLE
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _high_fd(fd: int) -> int:
    """A copy of ``fd`` numbered 10 or more, so that placing the pipes at 3 and 4 in the child
    never overwrites one with the other."""
    copy = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return copy


class Chromium:
    """One headless Chromium with a fresh profile; ``page`` opens a page in a new tab."""

    def __init__(self, executable: str, timeout: float = 60.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="ngchromium")
        to_read, to_chrome = (_high_fd(fd) for fd in os.pipe())
        from_chrome, to_write = (_high_fd(fd) for fd in os.pipe())

        def place_pipes() -> None:  # in the child, before exec
            os.dup2(to_read, 3)
            os.dup2(to_write, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=place_pipes,  # noqa: PLW1509 (dup2 only, which is safe after fork)
            pass_fds=(3, 4, to_read, to_write),
        )
        os.close(to_read)
        os.close(to_write)
        self._out = os.fdopen(to_chrome, "wb", buffering=0)
        self._in = os.fdopen(from_chrome, "rb", buffering=0)
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self._messages: queue.Queue[dict | None] = queue.Queue()
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._stderr: list[bytes] = []
        threading.Thread(target=lambda: self._stderr.extend(self.process.stderr or []), daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = self._in.read(65536)
            if not chunk:
                self._messages.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                self._messages.put(json.loads(message))

    def _pump(self, deadline: float) -> bool:
        """Take one message off the pipe (False when none came before ``deadline``)."""
        try:
            message = self._messages.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            return False
        if message is None:
            raise RuntimeError("Chromium closed the pipe:\n" + b"".join(self._stderr).decode(errors="replace")[-2000:])
        if "id" in message:
            self._replies[message["id"]] = message
        else:
            self.events.append(message)
        return True

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and wait for its reply; returns its result."""
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while ident not in self._replies:
            if not self._pump(deadline) and time.monotonic() >= deadline:
                raise TimeoutError(f"no reply to {method} within {self.timeout} s")
        reply = self._replies.pop(ident)
        if "error" in reply:
            raise RuntimeError(f"{method} failed: {reply['error']}")
        return reply.get("result", {})

    def wait_for(self, method: str, session: str, seconds: float | None = None) -> dict:
        deadline = time.monotonic() + (seconds or self.timeout)
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            seen = len(self.events)
            if not self._pump(deadline) and time.monotonic() >= deadline:
                raise TimeoutError(f"no {method} within {seconds or self.timeout} s")

    def settle(self, seconds: float) -> None:
        """Keep collecting events for ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._pump(deadline)

    def page(self, url: str, width: int = 1280, height: int = 1600) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        start = len(self.events)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)
        self.settle(0.5)  # late console messages and requests
        return Page(self, session, start)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=2)  # it usually exits at once; never hold the suite up for long
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for stream in (self._out, self._in):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser: Chromium, session: str, first_event: int):
        self.browser = browser
        self.session = session
        self.first_event = first_event

    def _events(self, method: str) -> list[dict]:
        return [e["params"] for e in self.browser.events[self.first_event:]
                if e.get("method") == method and e.get("sessionId") == self.session]

    def console_errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and errors in the browser's log
        (a refused load, a Content-Security-Policy violation...)."""
        found = [" ".join(str(a.get("value", a.get("description", ""))) for a in e.get("args", []))
                 for e in self._events("Runtime.consoleAPICalled") if e.get("type") in ("error", "warning", "assert")]
        found += [e["exceptionDetails"].get("text", "exception") for e in self._events("Runtime.exceptionThrown")]
        found += [f"{e['entry'].get('source')}: {e['entry'].get('text')}" for e in self._events("Log.entryAdded")
                  if e["entry"].get("level") in ("error", "warning")]
        return found

    def requests(self) -> list[str]:
        return [e["request"]["url"] for e in self._events("Network.requestWillBeSent")]

    def evaluate(self, expression: str) -> Any:
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                                   session=self.session)
        return result["result"].get("value")

    def screenshot(self, path: Path, full: bool = True) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full:
            size = self.browser.send("Page.getLayoutMetrics", session=self.session)["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.browser.send("Page.captureScreenshot", params, session=self.session)["data"]
        path.write_bytes(base64.b64decode(data))
        return path
