"""The room display page in a real headless Chromium against a real server: it renders the
room's day, its check-in button checks in, and the page shows the new state. A screenshot
of the page is kept as a test artifact (``COMPAX_TEST_ARTIFACTS``, default the test's
temporary folder)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import require_program
from tests.e2e.servers import LiveServer

pytestmark = pytest.mark.slow

WAIT = 60
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@campus.example", "first admin pw"


def midday_zone() -> str:
    """A fixed-offset zone where it is about noon now: the display shows the building's
    day, and a test near midnight UTC must not see its booking fall into tomorrow."""
    offset = 12 - datetime.now(UTC).hour  # -11 .. 12 hours
    return "UTC" if offset == 0 else f"Etc/GMT{'+' if offset < 0 else '-'}{abs(offset)}"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "COMPAX_LOG_LEVEL": "WARNING",
    }
    with LiveServer(tmp_path, env) as s:
        yield s


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = require_program("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1280,800")
    driver = webdriver.Chrome(options=options, service=Service(require_program("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()


def test_the_display_renders_the_day_and_its_button_checks_in(server, browser, tmp_path):
    http = httpx.Client(base_url=server.url, timeout=30)
    token = http.post(
        "/api/v1/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    ).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {token}"
    building = http.post(
        "/api/v1/buildings", json={"code": "D1", "name": "Library", "timezone": midday_zone()}
    ).json()
    room = http.post(
        "/api/v1/rooms",
        json={"code": "D1-101", "name": "Study room", "building_id": building["id"], "capacity": 6},
    ).json()
    http.put(f"/api/v1/rules/room/{room['id']}", json={"requires_checkin": True})
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    starting = http.post(
        "/api/v1/bookings",
        json={
            "room_id": room["id"],
            "title": "Private: thesis defence",
            "start": (now + timedelta(minutes=5)).isoformat(),
            "end": (now + timedelta(minutes=35)).isoformat(),
        },
    ).json()
    display = http.post(f"/api/v1/rooms/{room['id']}/display-tokens").json()

    browser.get(server.url + display["url_path"])
    WebDriverWait(browser, WAIT).until(
        expected_conditions.text_to_be_present_in_element((By.ID, "checkin-info"), "Booking")
    )
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "D1-101" in body and "Study room" in body
    assert "thesis" not in body  # others' titles never show
    assert browser.find_element(By.ID, "status").text.startswith("Free")
    rows = browser.find_elements(By.CSS_SELECTOR, "#bookings li")
    assert len(rows) == 1 and "confirmed" in rows[0].text
    button = browser.find_element(By.ID, "checkin")
    assert button.is_enabled()

    button.click()
    WebDriverWait(browser, WAIT).until(
        expected_conditions.text_to_be_present_in_element((By.ID, "message"), "Checked in")
    )
    assert "checked in" in browser.find_element(By.CSS_SELECTOR, "#bookings li").text
    assert not browser.find_element(By.ID, "checkin").is_enabled()
    assert http.get(f"/api/v1/bookings/{starting['id']}").json()["checked_in_at"]
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []

    folder = Path(os.environ.get("COMPAX_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "room-display.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_a_member_books_now_on_the_display_and_the_page_shows_busy(server, browser, tmp_path):
    http = httpx.Client(base_url=server.url, timeout=30)
    token = http.post(
        "/api/v1/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    ).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {token}"
    member = http.post(
        "/api/v1/users",
        json={
            "email": "walk-in@campus.example",
            "full_name": "Wendy Walk-in",
            "password": "walk-in password",
        },
    ).json()
    building = http.post(
        "/api/v1/buildings", json={"code": "D2", "name": "Library", "timezone": midday_zone()}
    ).json()
    room = http.post(
        "/api/v1/rooms",
        json={"code": "D2-102", "name": "Group room", "building_id": building["id"], "capacity": 8},
    ).json()
    display = http.post(f"/api/v1/rooms/{room['id']}/display-tokens").json()

    browser.get(server.url + display["url_path"])
    WebDriverWait(browser, WAIT).until(
        expected_conditions.text_to_be_present_in_element((By.ID, "status"), "Free")
    )
    assert browser.find_element(By.ID, "book").is_displayed()
    browser.find_element(By.ID, "email").send_keys("walk-in@campus.example")
    browser.find_element(By.ID, "password").send_keys("walk-in password")
    browser.find_element(By.CSS_SELECTOR, '[data-minutes="30"]').click()
    WebDriverWait(browser, WAIT).until(
        expected_conditions.text_to_be_present_in_element((By.ID, "message"), "Booked until")
    )
    # The booking starts seconds from now; the page's own refresh then shows the room busy.
    WebDriverWait(browser, WAIT).until(
        expected_conditions.text_to_be_present_in_element((By.ID, "status"), "Busy")
    )
    assert not browser.find_element(By.ID, "book").is_displayed()
    assert browser.find_element(By.ID, "password").get_attribute("value") == ""
    rows = browser.find_elements(By.CSS_SELECTOR, "#bookings li")
    assert len(rows) == 1 and "confirmed" in rows[0].text and "Wendy" not in rows[0].text
    booked = http.get("/api/v1/bookings", params={"room_id": room["id"]}).json()["data"]
    assert len(booked) == 1
    b = booked[0]
    assert (b["owner_id"], b["status"], b["title"]) == (
        member["id"],
        "confirmed",
        "Booked at the door",
    )
    length = datetime.fromisoformat(b["end"]) - datetime.fromisoformat(b["start"])
    assert length == timedelta(minutes=30)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    folder = Path(os.environ.get("COMPAX_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "room-display-booked.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
