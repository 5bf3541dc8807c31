from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer


def test_dump(live_server: LiveServer, page: Page) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    print(page.inner_html("main"))
    page.screenshot(path="/tmp/e2e-shots/login.png", full_page=True)
