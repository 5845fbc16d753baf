#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Loads an HTML page in headless Chromium through the DevTools protocol (--remote-debugging-pipe,
standard library only) and reports, as JSON on stdout:

  csp        console/log entries about the Content-Security-Policy (violations)
  dialogs    JavaScript dialogs opened (alert/confirm/prompt: a script ran)
  exceptions uncaught script exceptions
  scripts    number of <script> elements in the DOM
  handlers   elements carrying on* attributes
  js_links   anchors with a javascript: URL
  broken     same-page anchors (#id) whose target does not exist
  fonts      platform fonts used to render the report's <h1> (CSS.getPlatformFontsForNode)
  bubbles, contrast_min, contrast_low   chat bubbles, the lowest WCAG contrast ratio of text in
             them against its background, and the elements below 4.5:1
  thumbs, thumbs_rendered   embedded thumbnails (<img class="thumb">), and those the browser
             decoded (complete, natural width > 0)
  title      document.title after load
  first_paint_s, load_s   seconds from navigation to the first contentful paint and to the
             load event (measured, for the notes and bench-case; no test asserts a time)

and, with --screenshot FILE / --pdf FILE, saves a full-page PNG and an A4 PDF (Page.printToPDF,
no browser header/footer: the page's own @page boxes print 第 X 页 / 共 Y 页).

usage: browser_check.py CHROMIUM FILE.html [--screenshot PNG] [--pdf PDF] [--timeout S]
"""
import base64
import json
import os
import select
import subprocess
import sys
import tempfile
import time


class Pipe:
    def __init__(self, chromium, timeout):
        self.timeout = timeout
        self.udd = tempfile.mkdtemp(prefix="wxf-chromium-")
        to_chrome_r, self.to_chrome_w = os.pipe()
        self.from_chrome_r, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4.
        def setup():
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
             "--hide-scrollbars", "--remote-debugging-pipe", "--user-data-dir=" + self.udd,
             "--window-size=1100,1400", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=setup, pass_fds=(3, 4))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.id += 1
        msg = {"id": self.id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome_w, json.dumps(msg).encode() + b"\0")
        return self.id

    def read_one(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            r, _, _ = select.select([self.from_chrome_r], [], [], left)
            if r:
                chunk = os.read(self.from_chrome_r, 1 << 20)
                if not chunk:
                    raise EOFError("chromium closed the pipe")
                self.buf += chunk
        msg, _, self.buf = self.buf.partition(b"\0")
        m = json.loads(msg)
        m["_t"] = time.time()                   # arrival, for the load timings
        if m.get("method") == "Page.javascriptDialogOpening":
            # a script ran: record it (the event is kept) and dismiss the dialog so loading goes on
            self.id += 1
            os.write(self.to_chrome_w, json.dumps({"id": self.id, "method": "Page.handleJavaScriptDialog",
                     "params": {"accept": True}, "sessionId": m.get("sessionId")}).encode() + b"\0")
        return m

    def call(self, method, params=None, session=None):
        i = self.send(method, params, session)
        deadline = time.time() + self.timeout
        while True:
            m = self.read_one(deadline)
            if m.get("id") == i:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name, seconds):
        deadline = time.time() + seconds
        for m in self.events:
            if m.get("method") == name:
                return m
        while time.time() < deadline:
            try:
                m = self.read_one(deadline)
            except TimeoutError:
                break
            self.events.append(m)
            if m.get("method") == name:
                return m
        return None

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(10)
        except Exception:
            self.proc.kill()
        subprocess.run(["rm", "-rf", self.udd])


PROBE = r"""
(() => {
  const ids = new Set([...document.querySelectorAll('[id]')].map(e => e.id));
  const broken = [...document.querySelectorAll('a[href^="#"]')]
      .map(a => a.getAttribute('href').slice(1)).filter(f => f && !ids.has(f));
  const handlers = [...document.querySelectorAll('*')].filter(e =>
      [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).map(e => e.tagName);
  const js = [...document.querySelectorAll('a[href]')].filter(a =>
      /^\s*javascript:/i.test(a.getAttribute('href'))).length;
  // WCAG 2 contrast of the text of every chat bubble (and of the elements inside it that hold
  // text) against the nearest opaque background behind it
  const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = c => { const v = rgb(c).slice(0, 3).map(x => { x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
      return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const bgOf = e => { for (; e; e = e.parentElement) { const b = getComputedStyle(e).backgroundColor;
      const a = rgb(b); if (a.length === 3 || (a.length === 4 && a[3] > 0)) return b; }
      return 'rgb(255, 255, 255)'; };
  let minc = 99, bubbles = 0; const low = [];
  for (const bub of document.querySelectorAll('.bubble')) {
    bubbles++;
    for (const e of [bub, ...bub.querySelectorAll('*')]) {
      if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const l1 = lum(getComputedStyle(e).color), l2 = lum(bgOf(e));
      const r = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      if (r < minc) minc = r;
      if (r < 4.5) low.push(e.className + ' ' + r.toFixed(2));
    }
  }
  const imgs = [...document.images];
  return JSON.stringify({scripts: document.querySelectorAll('script').length, broken: broken,
      handlers: handlers, js_links: js, title: document.title,
      bubbles: bubbles, contrast_min: Math.round(minc * 100) / 100, contrast_low: low.slice(0, 10),
      thumbs: imgs.filter(i => i.classList.contains('thumb')).length,
      thumbs_rendered: imgs.filter(i => i.classList.contains('thumb') && i.complete && i.naturalWidth > 0).length,
      text_zh: (document.body.innerText.match(/[\u4e00-\u9fff]/g) || []).length});
})()
"""


def main():
    chromium, page = sys.argv[1], sys.argv[2]
    opt = lambda k: sys.argv[sys.argv.index(k) + 1] if k in sys.argv else None
    timeout = float(opt("--timeout") or 60)
    p = Pipe(chromium, timeout)
    res = {}
    try:
        t = p.call("Target.createTarget", {"url": "about:blank"})
        s = p.call("Target.attachToTarget", {"targetId": t["targetId"], "flatten": True})["sessionId"]
        for d in ("Page.enable", "Runtime.enable", "Log.enable", "DOM.enable", "CSS.enable"):
            p.call(d, None, s)
        p.call("Page.setLifecycleEventsEnabled", {"enabled": True}, s)
        t0 = time.time()
        p.call("Page.navigate", {"url": "file://" + os.path.abspath(page)}, s)
        p.wait_event("Page.loadEventFired", timeout)
        # seconds from navigation to the load event and to the first contentful paint (which
        # Chromium reports after the load of a small page: wait for it); lifecycle events before
        # the new document's "init" are about:blank's
        deadline = time.time() + timeout
        while True:
            started = False
            for m in p.events:
                if m.get("method") == "Page.lifecycleEvent" and m["params"].get("name") == "init":
                    started = True
                if m.get("method") == "Page.loadEventFired" and "load_s" not in res:
                    res["load_s"] = round(m["_t"] - t0, 3)
                if started and m.get("method") == "Page.lifecycleEvent" and \
                        m["params"].get("name") == "firstContentfulPaint" and "first_paint_s" not in res:
                    res["first_paint_s"] = round(m["_t"] - t0, 3)
            if "first_paint_s" in res or time.time() >= deadline:
                break
            try:
                p.events.append(p.read_one(min(deadline, time.time() + 1)))
            except TimeoutError:
                pass
        time.sleep(0.5)
        r = p.call("Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, s)
        res.update(json.loads(r["result"]["value"]))
        try:
            doc = p.call("DOM.getDocument", {"depth": 0}, s)
            h1 = p.call("DOM.querySelector", {"nodeId": doc["root"]["nodeId"], "selector": "h1"}, s)
            fonts = p.call("CSS.getPlatformFontsForNode", {"nodeId": h1["nodeId"]}, s) if h1.get("nodeId") else {}
            res["fonts"] = sorted({f["familyName"] for f in fonts.get("fonts", [])})
        except RuntimeError as e:
            res["fonts_error"] = str(e)
        if opt("--screenshot"):
            m = p.call("Page.getLayoutMetrics", None, s)
            cs = m.get("cssContentSize") or m["contentSize"]
            shot = p.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                          "clip": {"x": 0, "y": 0, "width": 1100, "height": min(cs["height"], 6000), "scale": 1}}, s)
            open(opt("--screenshot"), "wb").write(base64.b64decode(shot["data"]))
        if opt("--pdf"):
            pdf = p.call("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True,
                         "displayHeaderFooter": False, "preferCSSPageSize": True}, s)
            open(opt("--pdf"), "wb").write(base64.b64decode(pdf["data"]))
        # late events
        p.wait_event("__none__", 0.5)
    finally:
        ev = p.events
        p.close()
    logs = [m["params"]["entry"] for m in ev if m.get("method") == "Log.entryAdded"]
    res["csp"] = [l["text"] for l in logs if "Content Security Policy" in l.get("text", "") or l.get("source") == "security"]
    res["console"] = [str(m["params"].get("args"))[:200] for m in ev if m.get("method") == "Runtime.consoleAPICalled"]
    res["dialogs"] = [m["params"].get("message") for m in ev if m.get("method") == "Page.javascriptDialogOpening"]
    res["exceptions"] = [m["params"]["exceptionDetails"].get("text") for m in ev if m.get("method") == "Runtime.exceptionThrown"]
    print(json.dumps(res, ensure_ascii=False))


if __name__ == "__main__":
    main()
