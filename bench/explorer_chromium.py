"""Headless Chromium for the site's checks: a standalone page, a server, a DevTools client.

This is the project's one DevTools client. ``bench/explorer.py`` measures the explorer's
region-map updates per second with it; ``tests/site/test_explorer_browser.py`` drives the
widget on a standalone page as a reader would (mouse, touch, keys); ``tests/site/
test_browser.py`` loads every page of the built site with it. They need the same things: a
page holding ``reluineq.explorer.html`` with the site's layout of ``_static/`` (the
explorer's modules and KaTeX), an HTTP server on 127.0.0.1 (ES modules do not load from
``file://``), and Chromium driven through the DevTools protocol over a websocket
(``websockets``; no browser is downloaded).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import websockets.sync.client as websockets_sync

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--hide-scrollbars", "--mute-audio",
    "--remote-debugging-port=0",
]
MAX_SHOT_HEIGHT = 12000  # px: Chromium's screenshots of taller pages come out blank


def write_page(directory: Path, body: str, title: str = "Region explorer",
               name: str = "index.html") -> Path:
    """A page ``name`` in ``directory`` with ``body`` and the site's ``_static`` layout.

    ``_static/explorer`` is copied from ``docs/_static/explorer`` and ``_static/katex`` gets
    KaTeX's script, stylesheet and fonts from ``node_modules`` (``npm ci`` installs them).
    """
    katex = ROOT / "node_modules" / "katex" / "dist"
    if not katex.is_dir():
        raise FileNotFoundError(f"{katex} is missing: run `npm ci` (make does this)")
    static = directory / "_static"
    shutil.copytree(ROOT / "docs" / "_static" / "explorer", static / "explorer", dirs_exist_ok=True)
    (static / "katex").mkdir(parents=True, exist_ok=True)
    for asset in ("katex.min.js", "katex.min.css"):
        shutil.copy2(katex / asset, static / "katex" / asset)
    shutil.copytree(katex / "fonts", static / "katex" / "fonts", dirs_exist_ok=True)
    page = directory / name
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en" data-content_root="./">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n</head>\n"
        '<body style="font-family: system-ui, sans-serif; max-width: 62rem; margin: 0 auto; '
        'padding: 0.5rem 1rem">\n'
        f"<main>\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    return page


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 from a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


class Chromium:
    """One headless Chromium and the DevTools calls the explorer's checks need."""

    def __init__(self, profile: Path) -> None:
        if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
            raise FileNotFoundError(f"no Chromium at {CHROMIUM}: run `make chromium`")
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # its helpers share a process group, ended at once
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.stack = contextlib.ExitStack()
        self.ws = self.stack.enter_context(
            websockets_sync.connect(f"ws://127.0.0.1:{port}{path}", max_size=None))
        self.counter = 0
        self.events: list[dict] = []

    def close(self) -> None:
        if getattr(self, "stack", None) is not None:
            self.stack.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict:
        self.counter += 1
        message: dict[str, Any] = {"id": self.counter, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if reply.get("id") == self.counter:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            remaining = max(0.01, deadline - time.monotonic())
            self.events.append(json.loads(self.ws.recv(timeout=remaining)))

    def open(self, url: str, width: int = 1280, height: int = 1000, *, mobile: bool = False,
             before_load: str = "") -> Tab:
        """A new tab showing ``url``; ``before_load`` runs in the page before its scripts."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        tab = Tab(self, session["sessionId"], target)
        for domain in ("Page", "Network", "Runtime"):
            tab.call(f"{domain}.enable")
        tab.metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
        tab.call("Emulation.setDeviceMetricsOverride", tab.metrics)
        if mobile:
            tab.call("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
        if before_load:
            tab.call("Page.addScriptToEvaluateOnNewDocument", {"source": before_load})
        tab.call("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", tab.session)
        return tab


def _between(start: tuple[float, float], end: tuple[float, float],
             steps: int) -> list[tuple[float, float]]:
    """``steps`` points evenly along the way from ``start`` to ``end``, ``end`` included."""
    return [(start[0] + i / steps * (end[0] - start[0]), start[1] + i / steps * (end[1] - start[1]))
            for i in range(1, steps + 1)]


class Tab:
    """One page: evaluate JavaScript, send real mouse, touch and key input, take screenshots."""

    def __init__(self, browser: Chromium, session: str, target: str = "") -> None:
        self.browser = browser
        self.session = session
        self.target = target
        self.metrics: dict[str, Any] = {}

    def close(self) -> None:
        """Close the tab and forget its events."""
        self.browser.call("Target.closeTarget", {"targetId": self.target})
        self.browser.events = [e for e in self.browser.events
                               if e.get("sessionId") != self.session]

    def events(self, method: str) -> list[dict]:
        """The parameters of every ``method`` event the page has sent so far."""
        return [e["params"] for e in self.browser.events
                if e.get("method") == method and e.get("sessionId") == self.session]

    def call(self, method: str, params: dict | None = None, timeout: float = 60) -> dict:
        return self.browser.call(method, params, self.session, timeout)

    def js(self, expression: str, timeout: float = 60) -> Any:
        """The value of ``expression`` (awaited when it is a promise), or raise its error."""
        result = self.call("Runtime.evaluate", {
            "expression": expression, "awaitPromise": True, "returnByValue": True,
        }, timeout=timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise RuntimeError(details.get("exception", {}).get("description") or details["text"])
        return result["result"].get("value")

    def wait(self, condition: str, timeout: float = 20) -> Any:
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(condition)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(f"still false after {timeout} s: {condition}")

    def mouse(self, kind: str, x: float, y: float, buttons: int = 0) -> None:
        self.call("Input.dispatchMouseEvent", {
            "type": kind, "x": x, "y": y, "button": "left" if kind != "mouseMoved" or buttons
            else "none", "buttons": buttons, "clickCount": 1 if kind != "mouseMoved" else 0,
        })

    def drag(self, start: tuple[float, float], end: tuple[float, float], steps: int = 8) -> None:
        """Press at ``start``, move in ``steps`` to ``end``, release: a mouse drag."""
        self.mouse("mouseMoved", *start)
        self.mouse("mousePressed", *start, buttons=1)
        for x, y in _between(start, end, steps):
            self.mouse("mouseMoved", x, y, buttons=1)
        self.mouse("mouseReleased", *end)

    def touch_drag(self, start: tuple[float, float], end: tuple[float, float],
                   steps: int = 8) -> None:
        """The same drag with one finger."""
        def touch(kind: str, x: float, y: float) -> None:
            points = [] if kind == "touchEnd" else [{"x": x, "y": y, "id": 1}]
            self.call("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
        touch("touchStart", *start)
        for x, y in _between(start, end, steps):
            touch("touchMove", x, y)
        touch("touchEnd", *end)

    def tap(self, x: float, y: float) -> None:
        self.call("Input.dispatchTouchEvent", {"type": "touchStart",
                                               "touchPoints": [{"x": x, "y": y, "id": 1}]})
        self.call("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    def key(self, key: str, code: str | None = None, key_code: int = 0) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", {
                "type": kind, "key": key, "code": code or key,
                "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code,
            })

    def screenshot(self, path: Path, selector: str | None = None) -> None:
        """The whole page, or the element ``selector`` picks, as a PNG.

        The viewport grows to the page's height for the shot (a canvas outside the
        viewport would come out blank), then shrinks back.
        """
        height = self.js("Math.ceil(document.documentElement.scrollHeight)")
        height = min(max(height, 600), MAX_SHOT_HEIGHT)
        self.call("Emulation.setDeviceMetricsOverride", {**self.metrics, "height": height})
        self.js("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        params: dict[str, Any] = {"format": "png"}
        if selector:
            box = self.js(f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                          ".getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY,"
                          " r.width, r.height]; })()")
            pad = 8
            params["clip"] = {"x": max(0, box[0] - pad), "y": max(0, box[1] - pad),
                              "width": box[2] + 2 * pad, "height": box[3] + 2 * pad, "scale": 1}
        data = self.call("Page.captureScreenshot", params)
        self.call("Emulation.setDeviceMetricsOverride", self.metrics)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data["data"]))

    def requests(self) -> list[str]:
        """Every URL the page has asked for so far."""
        return [e["request"]["url"] for e in self.events("Network.requestWillBeSent")]
