"""In Chromium on the demo data: a representative's dashboard has no serious accessibility
violation (axe-core), raises no CSP error, and reads and answers without JavaScript."""

import pytest

from tests.browser.test_accessibility import check

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def test_dashboard_is_accessible_and_csp_clean(browser, axe_page, demo_server):
    email, password = demo_server.accounts["representative"]
    context = browser.new_context(locale="fr-FR")  # the real CSP applies here
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    sign_in(page, demo_server.url, email, password)
    page.goto(demo_server.url + "/dashboard")
    assert "/dashboard/" in page.url
    assert page.locator("svg[role=img] > title").count() == 4
    assert [line for line in console if line.startswith("error")] == []
    context.close()

    sign_in(axe_page, demo_server.url, email, password)
    axe_page.goto(demo_server.url + "/dashboard")
    check(axe_page, "dashboard")


def test_dashboard_reads_and_replies_without_javascript(browser, demo_server):
    email, password = demo_server.accounts["representative"]
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo_server.url, email, password)
    page.goto(demo_server.url + "/dashboard")
    page.locator("details.chart-data summary").first.click()  # native <details>, no script
    assert page.locator("details.chart-data table").first.is_visible()
    forms = page.locator("form.reply-form")
    assert forms.count() > 0, "the demo representative has reviews to answer"
    textarea = forms.first.locator("textarea")
    answered = textarea.get_attribute("id")
    textarea.fill("Merci pour votre avis, nous vous rappelons.")
    forms.first.locator("button[type=submit]").click()
    assert "#a-repondre" in page.url and "/dashboard/" in page.url
    assert page.get_by_text("La réponse est publiée.").is_visible()
    assert page.locator(f"#{answered}").count() == 0  # it left the list
    context.close()
