"""The pages we serve, in a real headless Chromium against a real server process: the API
docs render every operation (their scripts and styles are served by us, nothing from the
internet), and a problem's ``type`` URI opens the page that explains it."""

from __future__ import annotations

from collections.abc import Iterator

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

WAIT = 60  # seconds a page may take to render on a busy machine (a hang guard)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("pages"), {"COMPAX_LOG_LEVEL": "WARNING"}) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = require_program("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(require_program("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()


def test_the_api_docs_render_every_operation(server, browser):
    spec = httpx.get(f"{server.url}/openapi.json").json()
    operations = sum(
        1
        for item in spec["paths"].values()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )
    browser.get(f"{server.url}/docs")
    WebDriverWait(browser, WAIT).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".opblock"))
    )
    shown = browser.find_elements(By.CSS_SELECTOR, ".opblock")
    assert len(shown) == operations
    tags = {e.text.split("\n")[0] for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-tag")}
    assert {"Bookings", "Rooms", "Webhooks", "Notifications"} <= tags
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []  # every script and style it needs was served


def test_a_problem_type_opens_the_page_that_explains_it(server, browser):
    answer = httpx.get(f"{server.url}/api/v1/rooms/999999")  # no login: a problem
    problem = answer.json()
    browser.get(problem["type"])
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == problem["title"]
    assert problem["code"] in browser.find_element(By.TAG_NAME, "body").text
    # From the page to the list of all problems, and back to one of them.
    browser.find_element(By.LINK_TEXT, "All problems").click()
    WebDriverWait(browser, WAIT).until(expected_conditions.title_is("Compax problems"))
    links = browser.find_elements(By.CSS_SELECTOR, "li a")
    assert len(links) > 20
    target = links[0].get_attribute("href")
    links[0].click()
    WebDriverWait(browser, WAIT).until(expected_conditions.url_to_be(target))
    assert browser.find_element(By.TAG_NAME, "h1").text
