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
MODULE_STARTS = set().union(*EXPECTED_NAV.values())
NAV_LINKS = "nav[aria-label=Main] .usa-nav__submenu a"
# Widths every crawled page must fit without sideways scrolling of the whole page (a wide table scrolls in
# its own box on a phone; on a desktop it must show all its columns: HIDDEN_COLUMNS).
FIT_WIDTHS = (1366, 390)


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


# On a desktop window no table may hide columns behind a sideways scroll (a phone may: it scrolls the table).
HIDDEN_COLUMNS = """() => Array.from(document.querySelectorAll('table')).flatMap(t => {
  let box = t.parentElement;
  while (box && box !== document.body && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
  if (!box || box === document.body || box.scrollWidth <= box.clientWidth + 1) return [];
  const caption = t.caption ? t.caption.textContent.trim().slice(0, 60) : (t.id || 'a table');
  return [`table "${caption}" is ${box.scrollWidth - box.clientWidth} px wider than its box`];
})"""


def _overflow(page: Any, path: str) -> list[str]:
    """Pages wider than the window at FIT_WIDTHS (the viewport is restored afterwards)."""
    problems = []
    before = page.viewport_size
    for width in FIT_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            problems.append(f"{path}: {scroll - inner} px wider than a {width} px window")
        if width >= 1366:
            problems += [f"{path}: {hidden} at {width} px" for hidden in page.evaluate(HIDDEN_COLUMNS)]
    page.set_viewport_size(before)
    return problems


def test_personas_see_their_modules_and_every_page_passes_axe(live_server: Any, browser: Any,
                                                               demo_city: Any) -> None:
    from safecity.demo.build import PERSONAS, demo_password

    base = live_server.url
    failures: list[str] = []
    checked = 0
    # pages anyone can reach signed out
    page = browser.new_page()
    for path in ("/accounts/login/", "/open/", "/no-such-page/", "/m/policing/complaints/status/"):
        page.goto(base + path)
        failures += [f"{path}: {v['id']} {v['help']}" for v in _axe(page)]
        checked += 1
    page.close()
    for username, *_ in PERSONAS:
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, base, username, demo_password(username))
        page.goto(base + "/")
        nav = set(page.eval_on_selector_all(NAV_LINKS, "els => els.map(e => e.getAttribute('href'))"))
        starts = {href for href in nav if href in MODULE_STARTS}
        assert starts == EXPECTED_NAV[username], f"{username} sees {sorted(starts)}"
        # Pages inside a module (the analyses) appear only for a module the persona has; rules for staff.
        extra = {href for href in nav - starts
                 if not (href == "/rules/" and username != "public")
                 and not any(href.startswith(root) for root in EXPECTED_NAV[username] if root != "/")}
        assert not extra, f"{username} is offered {sorted(extra)}"
        for path in _crawl(page, base):
            page.goto(base + path)
            failures += [f"{username} {path}: {v['id']} — {v['help']} ({v['nodes'][0]['target']})"
                         for v in _axe(page)]
            failures += _overflow(page, path)
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
    # Wait for the sign-in's answer itself: a test that ended while the POST was still being served let the
    # server write its audit event after the database was flushed, into the next test's audit chain.
    with page.expect_navigation():
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


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not displayed"
    return dict(box)


def _overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.mark.parametrize("width", [1366, 1920, 390])
def test_header_fits_and_every_module_is_reachable_by_keyboard(width: int, live_server: Any, browser: Any,
                                                               demo_city: Any) -> None:
    """The administrator has every module: the logo never overlaps a menu item, each group opens from the
    keyboard (on a phone inside the Menu drawer) and shows its links, and axe stays clean with it open."""
    from safecity.demo.build import demo_password

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server.url, "admin", demo_password("admin"))
    page.goto(live_server.url + "/")
    logo = _box(page, ".usa-logo")
    phone = width < 1024
    if not phone:  # whatever the header's markup, no top-level menu item may sit on the logo
        for item in page.locator("header nav li.usa-nav__primary-item").all():
            assert not _overlaps(logo, dict(item.bounding_box() or {})), f"logo overlaps {item.inner_text()!r}"
    if phone:
        menu = page.locator(".usa-menu-btn")
        assert not _overlaps(logo, _box(page, ".usa-menu-btn"))
        menu.focus()
        page.keyboard.press("Enter")
        page.locator("nav.usa-nav.is-visible").wait_for(state="visible")
    buttons = page.locator("nav[aria-label=Main] .usa-nav__primary > li > button")
    groups = buttons.count()
    assert groups == 4  # Records, Analysis, Modules, Admin
    reached: set[str] = set()
    for i in range(groups):
        button = buttons.nth(i)
        if not phone:
            assert not _overlaps(logo, dict(button.bounding_box() or {})), f"logo overlaps menu {i}"
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("b => b.getAttribute('aria-expanded') === 'true'", arg=button.element_handle(),
                               timeout=3000)
        submenu = page.locator(f"#{button.get_attribute('aria-controls')}")
        submenu.wait_for(state="visible")
        for link in submenu.locator("a").all():
            assert link.is_visible()
            if not phone:
                assert not _overlaps(logo, dict(link.bounding_box() or {}))
            reached.add(link.get_attribute("href") or "")
        if i == groups - 1:
            violations = _axe(page)
            assert not violations, [f"{v['id']} — {v['help']} ({v['nodes'][0]['target']})" for v in violations]
        # Escape closes a drop-down on a desktop, and the whole drawer on a phone: there the button folds it.
        page.keyboard.press("Enter" if phone else "Escape")
    assert EXPECTED_NAV["admin"] <= reached, sorted(EXPECTED_NAV["admin"] - reached)
    assert {"/incidents/stats/", "/rules/"} <= reached
    # Following a link from the menu lands on its page, and the menu marks where you are.
    page.goto(live_server.url + "/audit/")
    current = page.locator("nav[aria-label=Main] a[aria-current=page]")
    assert current.get_attribute("href") == "/audit/"
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    context.close()


def test_audit_page_filters_and_export_in_a_browser(live_server: Any, browser: Any, demo_city: Any) -> None:
    """The auditor narrows the log with the form (keyboard only), reads plain words and both times, and the
    download link carries the same filters."""
    from safecity.core import actions
    from safecity.demo.build import demo_password

    for _ in range(2):
        actions.login_failed(username="officer", source_ip="192.0.2.9", window_seconds=900, limit=5)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server.url, "oversight", demo_password("oversight"))
    page.goto(live_server.url + "/audit/")
    page.fill("#id_actor", "officer")
    page.select_option("#id_outcome", "failure")
    page.focus("#id_actor")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "actor=officer" in page.url and "outcome=failure" in page.url
    rows = page.locator("table.audit-table tbody tr")
    assert rows.count() == 2
    text = rows.first.inner_text()
    assert "Sign-in" in text and "Failed" in text and "UTC" in text
    assert page.locator("#id_outcome").input_value() == "failure"  # the form keeps what was chosen
    export = page.get_by_role("link", name="Download these events (CSV)")
    href = export.get_attribute("href") or ""
    assert href.startswith("/audit/export.csv?") and "actor=officer" in href and "outcome=failure" in href
    with page.expect_download() as download:
        export.click()
    body = open(download.value.path(), encoding="utf-8").read()  # noqa: PTH123, SIM115
    assert body.count("auth.login") == 2
    violations = _axe(page)
    assert not violations, [f"{v['id']} — {v['help']} ({v['nodes'][0]['target']})" for v in violations]
    context.close()
