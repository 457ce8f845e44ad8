"""Chromium checks run in a subprocess by test_browser.py.

Playwright's sync API cannot start twice in one process, and tests/browser keeps the
session's browser open: a separate process keeps both independent.
Usage: python -m tests.palmares.browser_check '<json job>' → prints a JSON result.
"""

import json
import sys

from playwright.sync_api import sync_playwright

BLOCKING = {"serious", "critical"}


def badge(browser, job: dict) -> dict:
    """The badge alone (status, <title>, console errors), then inside another site's <img>."""
    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    failed: list[str] = []  # the browser's own /favicon.ico guess is not ours to answer
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    response = page.goto(job["badge"])
    titles = page.locator("svg[role=img] > title").count()
    page.goto(job["embed"])
    page.wait_for_function("document.getElementById('badge').complete")
    size = page.evaluate(
        "(() => { const i = document.getElementById('badge');"
        " return [i.naturalWidth, i.naturalHeight]; })()"
    )
    page.locator("#badge").screenshot(path=job["screenshot"])
    errors = [
        line
        for line in console
        if line.startswith("error") and "Failed to load resource" not in line
    ] + failed
    return {"status": response.status, "titles": titles, "size": size, "errors": errors}


def axe(browser, job: dict) -> dict:
    """axe-core's serious and critical violations on each page (CSP bypassed for axe only)."""
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    found = {}
    for name, url in job["pages"].items():
        page.goto(url)
        page.add_script_tag(path=job["axe"])
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", job["tags"]
        )
        page.screenshot(path=job["screenshots"].format(name=name), full_page=True)
        found[name] = {
            "passes": len(result["passes"]),
            "violations": [
                {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
                for v in result["violations"]
                if v["impact"] in BLOCKING
            ],
        }
    context.close()
    return found


def main() -> None:
    job = json.loads(sys.argv[1])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=job["chromium"], args=job["args"])
        try:
            result = {"badge": badge, "axe": axe}[job["kind"]](browser, job)
        finally:
            browser.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
