"""Open a page in headless Chromium (Debian's `chromium`) over the DevTools protocol, with the
network switched off, and report what a reader's browser would: console errors, failed or
outside requests, the charts' SVGs, the layout width, and a full-page screenshot.

Used by the explorer-page tests. No browser download: the system binary is driven through
one websocket (the `websockets` package), no Playwright or Selenium.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Generous: a cold Chromium start on a loaded two-core machine takes seconds, not minutes.
START_TIMEOUT_S = 60
COMMAND_TIMEOUT_S = 60
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--mute-audio",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]


def chromium_or_skip() -> str:
    """The Chromium binary; a missing one fails under CI=true (.ci/run installs it) and skips elsewhere."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    reason = "no Chromium on PATH (Debian: apt-get install -y chromium); the explorer page's browser test needs one"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + "; CI=true, so this test may not skip")
    pytest.skip(reason)


@dataclass
class PageReport:
    width: int
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requested_urls: list[str] = field(default_factory=list)
    svgs: list[dict] = field(default_factory=list)  # visible chart SVGs: title, width, height
    scroll_width: int = 0
    screenshot: Path | None = None


class Browser:
    def __init__(self, binary: str):
        from websockets.sync.client import connect

        self.profile = Path(tempfile.mkdtemp(prefix="aifootprint-chromium-"))
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"Chromium did not open its DevTools port within {START_TIMEOUT_S} s")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        self.socket = connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=COMMAND_TIMEOUT_S)
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        message_id = next(self.ids)
        message = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + COMMAND_TIMEOUT_S
        while True:
            reply = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + COMMAND_TIMEOUT_S
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while True:
            event = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return event

    def open(self, page: Path, width: int, screenshot: Path | None = None) -> PageReport:
        """Load `page` offline at `width` CSS pixels and report what happened."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.events.clear()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            session,
        )
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
            session,
        )
        self.send("Page.navigate", {"url": page.resolve().as_uri()}, session)
        self.wait_for("Page.loadEventFired", session)
        report = PageReport(width)
        report.svgs = self.evaluate(
            session,
            """
            [...document.querySelectorAll('figure svg')]
              .filter(svg => svg.getBoundingClientRect().width > 0)
              .map(svg => ({title: svg.querySelector('title')?.textContent || '',
                            role: svg.getAttribute('role'),
                            width: Math.round(svg.getBoundingClientRect().width),
                            natural_width: svg.width.baseVal.value,
                            height: Math.round(svg.getBoundingClientRect().height)}))""",
        )
        report.scroll_width = self.evaluate(session, "document.documentElement.scrollWidth")
        if screenshot is not None:
            height = self.evaluate(session, "document.documentElement.scrollHeight")
            self.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": min(height, 16000), "deviceScaleFactor": 1, "mobile": width < 600},
                session,
            )
            data = self.send("Page.captureScreenshot", {"format": "png"}, session)["data"]
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(data))
            report.screenshot = screenshot
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                report.console_errors.append(
                    " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                )
            elif method == "Runtime.exceptionThrown":
                report.console_errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                report.console_errors.append(params["entry"].get("text", ""))
            elif method == "Network.requestWillBeSent":
                report.requested_urls.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                report.failed_requests.append(f"{params.get('errorText')} ({params.get('requestId')})")
        self.send("Target.closeTarget", {"targetId": target})
        return report

    def evaluate(self, session: str, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def artefacts_dir() -> Path:
    """Where screenshots go: $AIFOOTPRINT_TEST_ARTEFACTS, else tmp/artefacts in the checkout (git-ignored)."""
    configured = os.environ.get("AIFOOTPRINT_TEST_ARTEFACTS")
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / "tmp" / "artefacts"
