"""Debian's Firefox ESR, headless, driven over Marionette: the second browser the pages are opened in.

Playwright's Firefox is a patched build fetched from its own host, and a
geckodriver for Selenium comes from GitHub; neither is reachable here. So
``marionette_driver`` (PyPI, Mozilla's own client) starts ``firefox-esr
--marionette --headless`` with a fresh profile and speaks Firefox's remote
protocol directly. Nothing is downloaded.

The network is shut twice over: every request goes through a proxy at a
closed port (so nothing leaves the machine), and from the browser's own side
the test records every HTTP channel and every Content-Security-Policy
refusal that a ``file:`` page starts. Script errors and console errors and
warnings of the page are read from Firefox's console service, which holds
those logged during loading too, before any test code could listen.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

FIREFOX = Path("/usr/bin/firefox-esr")

# A proxy at the discard port of this machine, for every scheme and host
# (localhost included): a request that got past the page's CSP fails here.
NO_NETWORK = {
    "network.proxy.type": 1,
    "network.proxy.share_proxy_settings": True,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": 9,
    "network.proxy.socks": "127.0.0.1",
    "network.proxy.socks_port": 9,
    "network.proxy.no_proxies_on": "",
    "network.proxy.allow_hijacking_localhost": True,
    "network.dns.disabled": True,
}


def missing() -> str | None:
    """Why Firefox cannot be driven here, or None if it can."""
    lacking = []
    if not (FIREFOX.exists() or shutil.which("firefox-esr")):
        lacking.append("Debian's firefox-esr (scripts/system-packages.sh test installs it)")
    if importlib.util.find_spec("marionette_driver") is None:
        lacking.append("marionette_driver (in the [test] extra)")
    if not lacking:
        return None
    return " and ".join(lacking) + (" are" if len(lacking) > 1 else " is") + " missing: run sh scripts/test.sh"


# Run in Firefox's chrome (browser) scope once a session: record every HTTP
# channel a file: page opens, whether or not the proxy then refuses it.
WATCH_REQUESTS = """
const win = Services.wm.getMostRecentWindow("navigator:browser");
if (!win.quizgenRequests) {
  win.quizgenRequests = [];
  const observer = { observe(subject) {
    const channel = subject.QueryInterface(Ci.nsIChannel);
    const from = channel.loadInfo && channel.loadInfo.triggeringPrincipal;
    const spec = from && from.URI ? from.URI.spec : "";
    if (spec.startsWith("file:")) win.quizgenRequests.push(channel.URI.spec);
  } };
  Services.obs.addObserver(observer, "http-on-modify-request");
  win.quizgenObserver = observer;
}
"""

# What went wrong in content since the last reset, as the browser's console
# service has it: uncaught script errors and warnings of file: pages, and
# CSP refusals (each one a request the page tried to make).
PROBLEMS = """
const win = Services.wm.getMostRecentWindow("navigator:browser");
const found = win.quizgenRequests.map(url => "request: " + url);
for (const message of Services.console.getMessageArray()) {
  if (!(message instanceof Ci.nsIScriptError)) continue;
  const csp = message.category.startsWith("CSP");
  const bad = message.flags === Ci.nsIScriptError.errorFlag || message.flags === Ci.nsIScriptError.warningFlag;
  if (csp || (bad && !message.isFromChromeContext && !/^(chrome|resource):/.test(message.sourceName))) {
    found.push((csp ? "refused request: " : "script error: ") + message.errorMessage
               + (message.sourceName ? " (" + message.sourceName + ":" + message.lineNumber + ")" : ""));
  }
}
return found;
"""

# console.error and console.warn calls live in the page's own (content)
# process: read there with system rights, as Marionette's "system" sandbox has.
CONSOLE_CALLS = """
const storage = Cc["@mozilla.org/consoleAPI-storage;1"].getService(Ci.nsIConsoleAPIStorage);
if (arguments[0]) { storage.clearEvents(); return []; }
return storage.getEvents()
  .filter(e => (e.level === "error" || e.level === "warn") && String(e.filename).startsWith("file:"))
  .map(e => "console " + e.level + ": " + e.arguments.map(String).join(" "));
"""

FORGET = """
const win = Services.wm.getMostRecentWindow("navigator:browser");
win.quizgenRequests.length = 0;
Services.console.reset();
"""


class Firefox:
    """One headless firefox-esr with a fresh profile and no network, and the page open in it."""

    def __init__(self, log: Path):
        """Start it, writing Firefox's own output to ``log`` (by default it would land in the working folder)."""
        from marionette_driver.marionette import Marionette

        binary = str(FIREFOX if FIREFOX.exists() else shutil.which("firefox-esr"))
        self.marionette = Marionette(bin=binary, headless=True, port=0, prefs=NO_NETWORK, gecko_log=str(log))
        self.marionette.start_session()
        self.chrome(WATCH_REQUESTS)

    def close(self) -> None:
        instance = self.marionette.instance
        used = instance.profile
        self.marionette.cleanup()
        # Its cleanup sets instance.profile = None, which makes another, empty
        # profile folder: remove that too, and keep both from cleaning up again
        # at interpreter exit (where it fails noisily).
        for profile in (used, instance._profile):
            if profile is not None:
                shutil.rmtree(profile.profile, ignore_errors=True)
                profile.restore = False
        instance._profile = None

    def chrome(self, script: str):
        with self.marionette.using_context("chrome"):
            return self.marionette.execute_script(script)

    # -- the page ---------------------------------------------------------

    def open(self, path: Path) -> None:
        """Open ``path`` over file:// afresh, with the record of problems emptied."""
        if self.marionette.get_url().startswith("file:"):
            self.console_calls(forget=True)  # file: pages share one content process and its record
        self.marionette.navigate("about:blank")
        self.chrome(FORGET)
        self.marionette.navigate(path.as_uri())

    def console_calls(self, forget: bool = False) -> list[str]:
        return self.marionette.execute_script(CONSOLE_CALLS, script_args=[forget], sandbox="system")

    def problems(self) -> list[str]:
        """Requests, refused requests, script errors and console errors/warnings since the page was opened."""
        return self.chrome(PROBLEMS) + self.console_calls()

    def js(self, script: str, *args):
        return self.marionette.execute_script(script, script_args=list(args))

    def find(self, selector: str):
        from marionette_driver.by import By

        return self.marionette.find_element(By.CSS_SELECTOR, selector)

    def click(self, selector: str) -> None:
        self.find(selector).click()

    def type(self, selector: str, text: str) -> None:
        element = self.find(selector)
        element.click()
        element.send_keys(text)

    def text(self, selector: str) -> str:
        return self.find(selector).text

    def reload(self) -> None:
        self.marionette.refresh()
