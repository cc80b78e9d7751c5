"""Real Chromium (Debian's package) driven by Playwright: every demo persona signs in through the UI,
passes two-step sign-in, sees only its modules, and every page it can reach passes axe (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# What each demo persona must see in the navigation (written out here, independently of roles.py).
EXPECTED_NAV = {
    "admin": {"/incidents/", "/m/policing/", "/m/firearms/", "/m/intel/", "/m/reentry/", "/m/grants/",
              "/m/justice/", "/open/", "/manage/", "/audit/"},
    "chief": {"/incidents/", "/m/policing/", "/m/firearms/", "/m/grants/", "/m/justice/", "/open/"},
    "analyst": {"/incidents/", "/m/policing/", "/m/firearms/", "/m/justice/", "/open/"},
    "officer": {"/incidents/", "/m/firearms/", "/open/"},
    "oversight": {"/incidents/", "/m/policing/", "/m/justice/", "/audit/", "/open/"},
    "erpo": {"/incidents/", "/m/firearms/", "/open/"},
    "intel": {"/incidents/", "/m/intel/", "/open/"},
    "caseworker": {"/m/reentry/", "/open/"},
    "grants": {"/m/grants/", "/open/"},
    "public": {"/open/"},
    "deputy": {"/incidents/", "/m/firearms/", "/open/"},
    "mayor": {"/incidents/", "/m/firearms/", "/open/"},
}
MAX_PAGES_PER_PERSONA = 25


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="safecity-chromium-")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage"])
        yield b
        b.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def demo_city(transactional_db: Any) -> Any:
    from safecity.core.actors import SYSTEM
    from safecity.core.models import Agency
    from safecity.demo.build import POLICE_ORI, build_demo
    from safecity.incidents.actions import OffenseIn, VictimIn, incident_create

    build_demo(seed=7, incidents=False)
    police = Agency.objects.get(ori=POLICE_ORI)
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    incident_create(actor=SYSTEM, agency=police, incident_number="24-000101", occurred_from=when,
                    offenses=[OffenseIn(code="13A", weapon_codes=["12"])], victims=[VictimIn(age=31, sex="M")],
                    block_address="1200 N MAIN ST", latitude=39.78, longitude=-89.60)
    return police


def _axe(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return list(result.response["violations"])


def _sign_in(page: Any, base: str, username: str, password: str) -> None:
    from django_otp.oath import TOTP

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("label[for=id_acknowledge]")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if "/accounts/mfa/setup/" in page.url:
        import base64

        secret = page.inner_text("#totp-secret").strip()
        code = TOTP(base64.b32decode(secret)).token()
        page.fill("#id_token", f"{code:06d}")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    if "/accounts/login" in page.url or "/accounts/mfa" in page.url:
        alerts = page.eval_on_selector_all("[role=alert]", "els => els.map(e => e.innerText)")
        raise AssertionError(f"sign-in as {username} stuck at {page.url}: {alerts}")


def _crawl(page: Any, base: str) -> list[str]:
    host = urlparse(base).netloc
    seen: list[str] = []
    queue = ["/"]
    while queue and len(seen) < MAX_PAGES_PER_PERSONA:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.append(path)
        page.goto(base + path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urlparse(href)
            if (url.netloc and url.netloc != host) or not url.path.startswith("/") or url.path.startswith(
                    ("/static/", "/api/")) or url.path.endswith((".csv", ".pdf", ".json")):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen and target not in queue and "page=" not in url.query:
                queue.append(target)
    return seen


def test_personas_see_their_modules_and_every_page_passes_axe(live_server: Any, browser: Any,
                                                               demo_city: Any) -> None:
    from safecity.demo.build import PERSONAS, demo_password

    base = live_server.url
    failures: list[str] = []
    checked = 0
    # pages anyone can reach signed out
    page = browser.new_page()
    for path in ("/accounts/login/", "/open/", "/no-such-page/"):
        page.goto(base + path)
        failures += [f"{path}: {v['id']} {v['help']}" for v in _axe(page)]
        checked += 1
    page.close()
    for username, *_ in PERSONAS:
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, base, username, demo_password(username))
        page.goto(base + "/")
        nav = set(page.eval_on_selector_all("nav[aria-label=Modules] a.usa-nav-link",
                                            "els => els.map(e => e.getAttribute('href'))"))
        nav.discard("/accounts/")
        assert nav == EXPECTED_NAV[username], f"{username} sees {sorted(nav)}"
        for path in _crawl(page, base):
            page.goto(base + path)
            failures += [f"{username} {path}: {v['id']} — {v['help']} ({v['nodes'][0]['target']})"
                         for v in _axe(page)]
            checked += 1
        context.close()
    assert checked > 20
    assert not failures, "\n".join(failures)


def test_officer_cannot_open_other_agency_or_forbidden_module(live_server: Any, browser: Any,
                                                              demo_city: Any) -> None:
    from safecity.demo.build import demo_password
    from safecity.incidents.models import Incident

    theirs = Incident.objects.get(incident_number="24-000101")  # a Riverton PD incident
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, live_server.url, "deputy", demo_password("deputy"))  # sheriff's deputy
    resp = page.goto(f"{live_server.url}/incidents/{theirs.public_id}/")
    assert resp.status == 404
    assert "24-000101" not in page.content()
    resp = page.goto(f"{live_server.url}/audit/")
    assert resp.status == 403
    context.close()


def test_keyboard_reaches_skip_link_and_main(live_server: Any, browser: Any, demo_city: Any) -> None:
    page = browser.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("usa-skipnav")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id || document.activeElement.name")
    assert focused in {"id_username", "username", "main-content"}
    # the whole sign-in form can be completed with the keyboard alone
    from safecity.demo.build import demo_password

    page.goto(live_server.url + "/accounts/login/")
    page.focus("#id_username")
    page.keyboard.type("public")
    page.keyboard.press("Tab")
    page.keyboard.type(demo_password("public"))
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith(urlparse(live_server.url).netloc) or page.url.endswith("/")
    page.close()


def test_idle_warning_is_announced_and_extends_the_session(live_server: Any, browser: Any, demo_city: Any,
                                                           settings: Any) -> None:
    from safecity.demo.build import demo_password

    settings.SESSION_IDLE_SECONDS = 8  # the warning shows at max(idle - 120 s, 5 s)
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, live_server.url, "public", demo_password("public"))
    page.goto(live_server.url + "/open/")
    dialog = page.locator("#session-warning")
    dialog.wait_for(state="visible", timeout=9000)
    assert dialog.get_attribute("role") == "alertdialog"
    assert page.evaluate("document.activeElement.id") == "session-extend"
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden", timeout=3000)
    context.close()
