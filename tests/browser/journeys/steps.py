"""Steps shared by the journeys: mail links, sign-in, screenshots, keyboard focus."""

import re
import time
import unicodedata
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

PASSWORD = "Une phrase de passe assez longue 2026"
LINK = re.compile(r"https?://\S+")


def shot(page, name: str, *, full_page: bool = True) -> None:
    """Keep a screenshot of a main page (test-artifacts/journey-<name>.png).

    Long pages (the moderation queue, a campaign's tests) take the viewport only: a full-page
    capture of them can take longer than the whole journey.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=full_page)


def mail_text(outbox: Path, recipient: str, needle: str, timeout: float = 15) -> str:
    """The text of the first message to `recipient` containing `needle` in the outbox.

    The server sends once the response is closed, so the .eml may come a moment later.
    """
    deadline = time.monotonic() + timeout
    while True:
        for eml in sorted(outbox.glob("*.eml")):
            message = message_from_bytes(eml.read_bytes(), policy=policy.default)
            if message["To"] == recipient and needle in message.get_content():
                return message.get_content()
        if time.monotonic() > deadline:
            raise AssertionError(f"no message to {recipient} containing {needle!r} in {outbox}")
        time.sleep(0.1)


def mail_link(outbox: Path, recipient: str, path_part: str) -> str:
    """The first link containing `path_part` in a message to `recipient`."""
    text = mail_text(outbox, recipient, path_part)
    return next(link for link in LINK.findall(text) if path_part in link)


def register(page, base_url: str, pseudonym: str, email: str) -> None:
    """Create an account through /register (the confirmation link is then in the outbox)."""
    page.goto(base_url + "/register")
    page.get_by_label("Pseudonyme").fill(pseudonym)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_label("J'accepte les conditions générales d'utilisation").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def days_ago(days: int) -> date:
    """A recent date of experience (a review may not be older than 3 years)."""
    return date.today() - timedelta(days=days)


def same_day_and_month() -> date:
    """The latest past date whose day equals its month (11/11): typed digit by digit, it is
    right whether the browser's date field reads dd/mm/yyyy or mm/dd/yyyy (headless Chromium
    ignores the page's locale for the order of the fields)."""
    day = date.today() - timedelta(days=1)
    while day.day != day.month:
        day -= timedelta(days=1)
    return day


def fold(text: str) -> str:
    """Lower case without accents: what a hurried user types."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def typo(word: str) -> str:
    """The third letter typed twice, as a quick typist does (one edit: « ravvvane »)."""
    return word[:3] + word[2] + word[3:]


# --- keyboard -------------------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
          text: (el.innerText || el.value || '').slice(0, 40),
          focusVisible: el.matches(':focus-visible'),
          outline: [s.outlineStyle, s.outlineWidth, s.outlineColor], shadow: s.boxShadow};
}"""


def focus(page) -> dict:
    """The focused element and its focus style."""
    found = page.evaluate(FOCUS_STYLE)
    assert found is not None, "nothing has the keyboard focus"
    return found


def assert_focus_visible(page) -> dict:
    """The focused element shows a visible focus indicator (outline or box-shadow)."""
    found = focus(page)
    style, width, color = found["outline"]
    outlined = (
        style != "none" and width != "0px" and color not in ("transparent", "rgba(0, 0, 0, 0)")
    )
    assert found["focusVisible"], f"focus is not :focus-visible on {found}"
    assert outlined or found["shadow"] != "none", f"focus is invisible on {found}"
    return found


ACTIVE_MATCHES = """s => { const el = document.activeElement;
  return el && el !== document.body ? [el.matches(s), el.outerHTML.slice(0, 90)] : null }"""


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 250) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`.

    The element reached must show its focus, as a keyboard user sees it.
    """
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        found = page.evaluate(ACTIVE_MATCHES, selector)
        if found is None:
            continue
        if found[0]:
            return assert_focus_visible(page)
        seen.append(found[1])
    raise AssertionError(f"{selector} never got the focus; last stops: {seen[-5:]}")


def follow(page, selector: str, **options) -> None:
    """Tab to a link or a submit button, press Enter and wait for the next page."""
    tab_to(page, selector, **options)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page, selector: str, text: str) -> None:
    """Tab to a field and type into it."""
    tab_to(page, selector)
    page.keyboard.type(text)


CHECKED_RADIO = """() => { const el = document.activeElement;
  return el && el.type === 'radio' ? [el.name, el.value, el.checked] : null }"""


def choose_radio(page, name: str, value: str, *, within: str = "", backwards: bool = False):
    """Tab into the radio group `name` (`within` narrows the selector), then Space and arrow
    keys until `value` is checked."""
    tab_to(page, f"input[type=radio][name='{name}']{within}", backwards=backwards)
    for _ in range(12):
        focused = page.evaluate(CHECKED_RADIO)
        assert focused and focused[0] == name, f"focus left the group {name}: {focused}"
        if not focused[2]:
            page.keyboard.press("Space")  # a group with nothing checked: check the focused one
        elif focused[1] == value:
            assert_focus_visible(page)
            return
        else:
            page.keyboard.press("ArrowRight")  # moves to the next option and checks it
    raise AssertionError(f"could not choose {value} in {name} with the arrow keys")


def keyboard_sign_in(page, base_url: str, email: str, password: str) -> None:
    """/login with the keyboard only: skip link, e-mail, password, « remember me », Enter."""
    page.goto(base_url + "/login")
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["text"] == "Aller au contenu"
    page.keyboard.press("Enter")  # focus moves to <main>
    type_into(page, "#email", email)
    type_into(page, "#password", password)
    tab_to(page, "#remember")
    page.keyboard.press("Space")
    assert page.locator("#remember").is_checked()
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
