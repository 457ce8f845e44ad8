"""A representative hears of a new review by mail and turns those mails off in one click.

Driven as people do it: a moderator publishes a held review of a company that has a
representative; the mail reaches the representative's mailbox (the server's .eml outbox)
with a link to the review and the one-click unsubscribe headers of RFC 8058; the
representative opens the unsubscribe link in the browser, confirms, and the settings page
shows the alerts off; a second published review brings no mail.
"""

import re
from email import message_from_bytes, policy

import pytest
from playwright.sync_api import expect

from tests.browser.journeys.steps import mail_text, shot, sign_in

pytestmark = pytest.mark.browser


def held_reviews_of_a_represented_company(server, count: int = 2):
    """[(review id, company slug, representative e-mail)] for `count` held reviews of one
    company whose demo representative gets each new review at once."""
    rows = server.query(
        "SELECT r.id, c.slug, u.email FROM reviews r "
        "JOIN companies c ON c.id = r.company_id "
        "JOIN memberships m ON m.company_id = c.id AND m.status = 'active' "
        "  AND m.review_alerts = 'instant' "
        "JOIN users u ON u.id = m.user_id "
        "WHERE r.status = 'pending' "
        "AND c.id = (SELECT r2.company_id FROM reviews r2 "
        "  JOIN memberships m2 ON m2.company_id = r2.company_id AND m2.status = 'active' "
        "  WHERE r2.status = 'pending' GROUP BY r2.company_id "
        "  HAVING COUNT(DISTINCT r2.id) >= ? ORDER BY r2.company_id LIMIT 1) "
        "ORDER BY r.id",
        count,
    )
    assert len(rows) >= count, "the demo holds no two reviews of a represented company"
    return rows[:count]


def publish(moderator, base_url: str, review_id: int) -> None:
    moderator.goto(f"{base_url}/moderation?item=item-{review_id}")
    item = moderator.locator(f"article#item-{review_id}")
    item.get_by_label("Publier", exact=True).check()
    item.get_by_role("button", name="Enregistrer la décision").click()
    expect(moderator.locator(".flashes")).to_contain_text(
        f"Décision enregistrée pour l'avis n° {review_id}."
    )


def eml_to(outbox, recipient: str, needle: str):
    for eml in sorted(outbox.glob("*.eml")):
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        if message["To"] == recipient and needle in message.get_content():
            return message
    raise AssertionError(f"no message to {recipient} containing {needle!r}")


def test_representative_is_told_of_a_new_review_and_unsubscribes_in_one_click(
    browse, journey_server
):
    server = journey_server
    (first, slug, rep_email), (second, _slug, _rep) = held_reviews_of_a_represented_company(server)
    rep_password = dict(server.accounts["representative"])[rep_email]
    moderator = browse("moderator")
    sign_in(moderator, server.url, *server.account("moderator"))
    publish(moderator, server.url, first)

    text = mail_text(server.server.outbox, rep_email, f"/reviews/{first}")
    message = eml_to(server.server.outbox, rep_email, f"/reviews/{first}")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header_link = re.search(r"<([^>]+)>", message["List-Unsubscribe"]).group(1)
    body_link = next(line for line in text.split() if "/desabonnement/" in line)
    assert header_link == body_link

    page = browse("representative")
    sign_in(page, server.url, rep_email, rep_password)
    page.goto(body_link)  # opening the link changes nothing (mail scanners fetch links)
    shot(page, "unsubscribe-confirm", full_page=False)
    page.get_by_role("button", name="Me désabonner").click()
    done = page.locator("p.notice[role=status]")
    expect(done).to_contain_text("vous ne recevrez plus ces e-mails")

    page.goto(f"{server.url}/account/notifications")
    shot(page, "notification-settings")
    chosen = page.locator("select option:checked").all_inner_texts()
    assert "Jamais" in chosen, chosen  # the company's new-review alerts: never
    assert server.query(
        "SELECT m.review_alerts FROM memberships m JOIN users u ON u.id = m.user_id "
        "JOIN companies c ON c.id = m.company_id WHERE u.email = ? AND c.slug = ?",
        rep_email,
        slug,
    ) == [("off",)]

    publish(moderator, server.url, second)
    # The author of the second review is told of its publication: once that mail is out, the
    # representative's would be too (same request); there must be none.
    author_email = server.query(
        "SELECT u.email FROM users u JOIN reviews r ON r.author_id = u.id WHERE r.id = ?", second
    )[0][0]
    mail_text(server.server.outbox, author_email, f"/reviews/{second}")
    with pytest.raises(AssertionError):
        eml_to(server.server.outbox, rep_email, f"/reviews/{second}")
    browse.watch.assert_clean()
