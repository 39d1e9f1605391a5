#!/usr/bin/env python3
"""The department web pages in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by Selenium, against real ideameshd daemons on loopback.

Run by WebBrowserTests (Tests/IdeameshdTests), which starts two departments, Renal Ward and
Cardiology, linked, with their pages on loopback, and passes their URLs and sign-ins in the
environment. Each check prints one line; the first failure stops the run with exit code 1.
Every page is checked with axe-core (the copy inside the axe-selenium-python package) for
serious and critical accessibility violations, and screenshotted at phone and desktop widths
into $SCREENSHOTS.

Exit codes: 0 passed, 1 a check failed, 77 the browser cannot run here (skipped, with the reason).
"""
import json
import os
import sys
import time
import uuid

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError as error:
    print(f"SKIP: selenium is not installed ({error}); .ci/run installs it (pip install selenium)")
    sys.exit(77)

RENAL = os.environ["RENAL_URL"].rstrip("/")
CARDIOLOGY = os.environ["CARDIOLOGY_URL"].rstrip("/")
PASSCODE = os.environ["WARD_PASSCODE"]
LEADER = os.environ["LEADER"]
LEADER_PASSWORD = os.environ["LEADER_PASSWORD"]
TIMEOUT = int(os.environ.get("SESSION_TIMEOUT_SECONDS", "30"))
SHOTS = os.environ.get("SCREENSHOTS", "")
def axe_source():
    """axe-core, from the axe-selenium-python package (which carries axe.min.js)."""
    if os.environ.get("AXE_JS"):
        return os.environ["AXE_JS"]
    try:
        import axe_selenium_python
    except ImportError:
        print("FAILED: axe-selenium-python is not installed (it carries axe-core); .ci/run installs it (pip install axe-selenium-python)")
        sys.exit(1)
    return os.path.join(os.path.dirname(axe_selenium_python.__file__), "node_modules", "axe-core", "axe.min.js")


AXE = axe_source()

PHONE = (390, 844)
DESKTOP = (1280, 900)


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)
    print(f"ok: {message}", flush=True)


def browser():
    options = Options()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--lang=en-GB"]:
        options.add_argument(argument)
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    try:
        return webdriver.Chrome(service=service, options=options)
    except WebDriverException as error:
        print(f"SKIP: headless Chromium cannot start here: {error.msg.splitlines()[0] if error.msg else error}")
        sys.exit(77)


def text(driver):
    return driver.find_element(By.TAG_NAME, "main").text


def wait_for(driver, condition, what, seconds=20.0, reload=False):
    deadline = time.time() + seconds
    while True:
        try:
            if condition():
                return
        except WebDriverException:
            pass
        if time.time() > deadline:
            raise Failed(f"timed out after {seconds:.0f} s waiting for {what}; the page says:\n{text(driver)[:800]}")
        time.sleep(0.3)
        if reload:
            driver.refresh()


def click_and_load(driver, element):
    """Clicks something that loads a new page, and waits until the new page is there."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def gone(_):
        # While the old document is torn down, chromedriver may answer "stale element" or, in
        # the middle of it, "Node with given id does not belong to the document": both mean gone.
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True
    WebDriverWait(driver, 20).until(gone)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in(driver, base, user, secret):
    driver.delete_all_cookies()
    driver.get(base + "/signin")
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "secret").send_keys(secret)
    click_and_load(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def submit(driver, form_css):
    click_and_load(driver, driver.find_element(By.CSS_SELECTOR, form_css + " button[type=submit]"))


def axe(driver, page):
    if not AXE:
        return
    with open(AXE, encoding="utf-8") as source:
        driver.execute_script(source.read())
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(JSON.stringify(r.violations)); });")
    violations = [v for v in json.loads(result) if v.get("impact") in ("serious", "critical")]
    details = "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['html'][:120]})" for v in violations)
    check(not violations, f"{page}: no serious or critical accessibility violations (axe-core){': ' + details if details else ''}")


def shoot(driver, name):
    """Screenshots at phone and desktop widths, whole page height; then back to desktop."""
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    for label, (width, height) in (("phone", PHONE), ("desktop", DESKTOP)):
        driver.set_window_size(width, height)
        full = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        driver.set_window_size(width, min(max(height, full + 120), 6000))
        driver.save_screenshot(os.path.join(SHOTS, f"{name}-{label}.png"))
    driver.set_window_size(*DESKTOP)
    overflow = driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1")
    driver.set_window_size(*PHONE)
    phone_overflow = driver.execute_script(
        "return Array.from(document.querySelectorAll('main > *')).some(function (e) {"
        " return e.getBoundingClientRect().right > window.innerWidth + 1 && !e.classList.contains('scroll'); })")
    driver.set_window_size(*DESKTOP)
    check(not overflow and not phone_overflow, f"{name}: nothing wider than the window at phone and desktop widths")


def look(driver, name):
    axe(driver, name)
    shoot(driver, name)


def main():
    title = f"Drug round interruptions {uuid.uuid4().hex[:6]}"
    driver = browser()
    try:
        # Sign-in: a wrong passcode is refused; the ward passcode lets a nurse in.
        sign_in(driver, RENAL, "amy", "not-the-passcode")
        check("do not match" in text(driver), "a wrong passcode is refused with a reason")
        look(driver, "signin")
        sign_in(driver, RENAL, "amy", PASSCODE)
        check(driver.current_url.endswith("/ideas"), "the ward passcode signs a nurse in at Renal Ward")
        check("amy (ward passcode)" in driver.find_element(By.TAG_NAME, "header").text, "the header says who is signed in and how")

        # Share an idea; text that looks like patient data is warned about and not shared.
        driver.get(RENAL + "/ideas/new")
        driver.find_element(By.ID, "title").send_keys(title)
        driver.find_element(By.ID, "problem").send_keys("Mr John Smith, NHS 943 476 5919, missed his 22:00 dose")
        driver.find_element(By.ID, "solution").send_keys("Red tabards: do not interrupt the nurse on the round")
        submit(driver, "main form")
        check("This looks like patient details" in text(driver) and "NHS number" in text(driver),
              "patient details in a new idea are caught and the idea is not shared")
        look(driver, "share-warning")
        problem = driver.find_element(By.ID, "problem")
        problem.clear()
        problem.send_keys("Nurses are interrupted about ten times on each night drug round")
        submit(driver, "main form")
        check("Your idea is shared" in text(driver), "the idea is shared once the patient details are gone")
        idea_url = driver.current_url.split("?")[0]
        look(driver, "idea")

        # CSRF: a form whose token is not the session's changes nothing.
        driver.get(RENAL + "/ideas/new")
        driver.execute_script("document.querySelector('main form input[name=csrf]').value = 'forged';")
        driver.find_element(By.ID, "title").send_keys("Forged " + title)
        driver.find_element(By.ID, "problem").send_keys("p")
        driver.find_element(By.ID, "solution").send_keys("s")
        submit(driver, "main form")
        check("This form has expired" in text(driver), "a form with a forged CSRF token is refused")
        driver.get(RENAL + "/ideas?q=Forged")
        check("Nothing found" in driver.find_element(By.ID, "results").text, "and nothing was shared by it")

        # The idea reaches Cardiology through the mesh; a nurse there supports and comments.
        sign_in(driver, CARDIOLOGY, "raj", PASSCODE)
        driver.get(CARDIOLOGY + "/ideas")
        wait_for(driver, lambda: title in driver.find_element(By.ID, "results").text,
                 "the idea shared at Renal Ward to appear at Cardiology", seconds=30, reload=True)
        check(True, "an idea shared on Renal Ward's page appears on Cardiology's page through the mesh")
        look(driver, "ideas")

        # Search as you type (no button pressed).
        driver.get(CARDIOLOGY + "/ideas")
        driver.find_element(By.ID, "q").send_keys("tabards")
        wait_for(driver, lambda: "found for" in driver.find_element(By.ID, "results").text
                 and title in driver.find_element(By.ID, "results").text, "search-as-you-type results")
        check(True, "search as you type finds the idea by a word of its solution")

        click_and_load(driver, driver.find_element(By.LINK_TEXT, title))
        submit(driver, "form[action$='/support']")
        check("You support this idea" in text(driver) and "Support (1)" in text(driver), "Cardiology supports Renal Ward's idea")
        driver.find_element(By.ID, "comment-text").send_keys("We see the same at night: will try it")
        submit(driver, "form[action$='/comment']")
        check("We see the same at night" in text(driver), "Cardiology comments on it")

        # A refused edit shows the reason, and the idea is unchanged.
        driver.find_element(By.CSS_SELECTOR, "details.card summary").click()
        driver.find_elements(By.CSS_SELECTOR, "details.card summary")[1].click()
        edit = driver.find_element(By.ID, "edit-title")
        edit.clear()
        edit.send_keys("Hijacked title")
        submit(driver, "form[action$='/edit']")
        alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
        check(alert and "Hijacked" not in driver.find_element(By.TAG_NAME, "h1").text,
              f"a nurse at Cardiology may not edit Renal Ward's idea, and the page says why: “{alert}”")
        look(driver, "idea-refused")

        # Adopt it: Cardiology's own copy, linked to the original.
        driver.get(idea_url.replace(RENAL, CARDIOLOGY))
        submit(driver, "form[action$='/adopt']")
        check("Adopted" in text(driver), "Cardiology adopts the idea")

        # The leader at Renal Ward (own password): board, status with reason, PDSA, measure, chart.
        sign_in(driver, RENAL, LEADER, PASSCODE)
        check("do not match" in text(driver), "the ward passcode does not sign in a leader who has her own password")
        sign_in(driver, RENAL, LEADER, LEADER_PASSWORD)
        check(f"{LEADER} (admin)" in driver.find_element(By.TAG_NAME, "header").text, "the leader signs in with her own password")
        driver.get(RENAL + "/board")
        check(title in text(driver), "the status board lists the department's idea")
        look(driver, "board")
        driver.get(idea_url)
        wait_for(driver, lambda: "We see the same at night" in text(driver), "Cardiology's comment to reach Renal Ward", reload=True)
        driver.find_element(By.XPATH, "//summary[contains(., 'Change the status')]").click()
        Select(driver.find_element(By.ID, "new-status")).select_by_value("testing")
        driver.find_element(By.ID, "reason").send_keys("Pilot on Ward 3 nights for four weeks")
        submit(driver, "form[action$='/status']")
        check("The status is changed" in text(driver) and "Testing" in text(driver), "the leader moves the idea to testing with a reason")

        driver.find_element(By.XPATH, "//summary[contains(., 'Start a PDSA cycle')]").click()
        driver.find_element(By.ID, "plan").send_keys("Tabards on Ward 3 for two weeks of nights")
        driver.find_element(By.ID, "prediction").send_keys("Interruptions halve")
        submit(driver, "form[action$='/pdsa-start']")
        check("Interruptions halve" in text(driver) and "locked" in text(driver), "a PDSA cycle starts with its prediction locked")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/pdsa-do'] textarea").send_keys("Worn on 12 of 14 nights")
        submit(driver, "form[action$='/pdsa-do']")
        check("Worn on 12 of 14 nights" in text(driver), "the Do step is recorded")

        driver.find_element(By.XPATH, "//summary[contains(., 'Define a measure')]").click()
        driver.find_element(By.ID, "name").send_keys("Interruptions per round")
        driver.find_element(By.ID, "unit").send_keys("interruptions")
        Select(driver.find_element(By.ID, "kind")).select_by_value("count")
        submit(driver, "form[action$='/measure-define']")
        check("Interruptions per round" in text(driver), "a measure is defined")
        for day, value in enumerate([11, 9, 12, 10, 11, 6, 5, 4, 5, 4], start=1):
            form = driver.find_element(By.CSS_SELECTOR, "form.record")
            form.find_element(By.CSS_SELECTOR, "input[name=value]").send_keys(str(value))
            driver.execute_script("arguments[0].value = arguments[1];",
                                  form.find_element(By.CSS_SELECTOR, "input[name=date]"), f"2026-11-{day:02d}")
            click_and_load(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("4 2026-11-10" in text(driver), "ten weekly values are recorded")
        look(driver, "idea-leader")
        click_and_load(driver, driver.find_element(By.LINK_TEXT, "Interruptions per round"))
        svg = driver.find_elements(By.CSS_SELECTOR, "figure.chart svg")
        check(svg and svg[0].size["width"] > 200 and len(svg[0].find_elements(By.CSS_SELECTOR, "circle")) >= 10,
              "the XmR chart renders as inline SVG with a point per value")
        look(driver, "measure-xmr")
        click_and_load(driver, driver.find_element(By.LINK_TEXT, "Run chart"))
        check(driver.find_elements(By.CSS_SELECTOR, "figure.chart svg"), "the run chart renders")
        click_and_load(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Compare the departments"))
        check(driver.find_elements(By.CSS_SELECTOR, "figure.chart svg"), "the compare view across adopting departments renders")
        look(driver, "measure-compare")

        driver.get(RENAL + "/themes")
        look(driver, "themes")
        driver.get(RENAL + "/portfolio")
        check("Waiting for a first response" in text(driver) and "Quiet voices" in text(driver)
              and "Participation by department" in text(driver), "the QI portfolio shows waits, stalls, results and participation")
        look(driver, "portfolio")
        driver.get(RENAL + "/admin")
        wait_for(driver, lambda: "Cardiology" in text(driver), "Cardiology among Renal Ward's peers")
        check("Replication lag" in text(driver) and "Trusted nodes" in text(driver), "the admin page shows peers, lag and trust")
        look(driver, "admin")

        # The loop closed: the nurse sees the status change and its reason on "My ideas".
        sign_in(driver, RENAL, "amy", PASSCODE)
        driver.get(RENAL + "/mine")
        check(title in text(driver) and "Pilot on Ward 3 nights for four weeks" in text(driver),
              "My ideas shows the status change and its reason to the nurse who shared it")
        look(driver, "mine")
        check("Board" not in driver.find_element(By.TAG_NAME, "nav").text, "a nurse's menu has no leaders' pages")
        # Even sent by hand, a status change from a ward-passcode session is refused by the daemon.
        driver.get(idea_url)
        reply = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "var body = new URLSearchParams({csrf: document.querySelector('main form input[name=csrf]').value,"
            " status: 'declined', reason: 'not needed'});"
            "fetch(location.pathname + '/status', {method: 'POST', body: body, credentials: 'same-origin'})"
            ".then(function (r) { return r.text().then(function (t) { done(r.status + ' ' + t); }); });")
        check(reply.startswith("403") and "needs your own password" in reply,
              "a status change sent with the ward passcode is refused: only an own password moves a status")
        driver.get(idea_url)
        check("Testing" in text(driver) and "Declined" not in driver.find_element(By.CSS_SELECTOR, "p.meta").text, "and the status is unchanged")

        # Rate limit: five failures, then sign-in refuses at once.
        for _ in range(5):
            sign_in(driver, CARDIOLOGY, "mallory", "guess-guess")
        sign_in(driver, CARDIOLOGY, "mallory", PASSCODE)
        check("Too many failed sign-ins" in text(driver), "sign-in is refused after five failures, even with the right passcode")

        # Session timeout: idle past it, the next page asks to sign in again.
        sign_in(driver, CARDIOLOGY, "raj", PASSCODE)
        driver.get(CARDIOLOGY + "/ideas")
        time.sleep(TIMEOUT + 2)
        driver.get(CARDIOLOGY + "/mine")
        check("/signin" in driver.current_url, f"after {TIMEOUT} s idle the session has ended and the page asks to sign in")
        print("passed", flush=True)
        return 0
    except Failed as failure:
        print(f"FAILED: {failure}", flush=True)
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
            print(f"screenshot: {os.path.join(SHOTS, 'failure.png')}; page: {driver.current_url}", flush=True)
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
