"""Writes the XSS corpus through every text field a person can fill, and says where it shows.

Shared by tests/security/test_xss.py (the HTML source, through the Flask test client, also on
PostgreSQL) and tests/browser/test_xss.py (gunicorn and Chromium). Payloads are packed into as
few values as each field's length allows (`pack`), so that every payload goes through every
field in a few dozen writes. tests/browser/test_xss.py lists the fields and where each
renders; input that pages only echo is in xss_reflected.py.
"""

import csv
import io
from datetime import date, timedelta

from rating.audit.testrows import CSV_COLUMNS
from rating.claims.declared import value_problem
from rating.reviews.rules import MAX_REPLY
from tests.security.xss_corpus import PAYLOADS, URLS, pack
from tests.security.xss_site import REVIEWED, SHOPPERS, TITLES, Check, Site

PERIOD = "2026-T1"
TAIL = "Accueil froid, dossier toujours ouvert."  # completes a value shorter than its minimum
BODIES = pack(5000, "\n", size=700)
ROWS = 6  # contact points and centres declared per company


def text_of(group: list[str], minimum: int = 0) -> str:
    """One value holding a group of payloads (one per line), long enough for its field."""
    text = "\n".join(group)
    return text if len(text) >= minimum else f"{text}\n{TAIL}"


def build(site: Site) -> list[Check]:
    reviews(site)
    claims(site)
    profiles(site)
    audit(site)
    operator(site)
    return site.checks()


def _review(agent, slug: str, title: str, body: str, stars: int) -> int:
    day = (date.today() - timedelta(days=5)).isoformat()
    fields = [("channel", "phone"), ("experience_date", day), ("stars", str(stars))]
    fields += [("solved", "no"), ("title", title), ("body", body), ("own_experience", "y")]
    answer = agent.post(f"/companies/{slug}/review", fields)
    return int(answer.location.rsplit("/", 1)[1])


def reviews(site: Site) -> None:
    """Reviews; all but the held company's are published by the moderator, then some get
    a reply and a report."""
    s = site.seed
    shoppers = [site.agent_for(email) for email in s.shoppers]
    written = []  # (id, company slug, author index, title, body)
    for i, titles in enumerate(TITLES):
        author, slug = i % SHOPPERS, s.reviewed[i // SHOPPERS]
        title, body = " ".join(titles), text_of(BODIES[i % len(BODIES)], 30)
        rid = _review(shoppers[author], slug, title, body, 1 if i % 2 == 0 else 4)
        written.append((rid, slug, author, title, body))
    for offset, slug in ((7, s.held), (13, s.unanswered)):
        for author, shopper in enumerate(shoppers):
            title = " ".join(TITLES[(author + offset) % len(TITLES)])
            body = text_of(BODIES[(author + offset) % len(BODIES)], 30)
            written.append((_review(shopper, slug, title, body, 2), slug, author, title, body))
    staff, rep = site.agent_for(s.staff), site.agent_for(s.rep)
    notes = [text_of(g) for g in pack(2000, "\n")]
    for n, (rid, *_) in enumerate(w for w in written if w[1] != s.held):
        fields = [("decision", "publish"), ("reason", ""), ("comment", notes[n % len(notes)])]
        staff.post(f"/moderation/reviews/{rid}", fields, expect=(302, 303, 400))
    site.stored["moderation note"] = notes
    replies = [text_of(g) for g in pack(MAX_REPLY, "\n", size=700)]
    reports = [text_of(g) for g in pack(2000, "\n")]
    for i, (rid, slug, author, title, body) in enumerate(written):
        pseudonym = s.pseudonyms[s.shoppers[author]]
        review = [title, *body.split("\n"), pseudonym]  # what a review card shows
        card = list(review)  # …with the reply under it
        if i < len(replies):
            rep.post(f"/reviews/{rid}/reply", [("body", replies[i])])
            card += replies[i].split("\n")
            site.expect(s.rep, f"/reviews/{rid}/reply", card, values=[replies[i]])
            site.expect_json(f"/api/v1/companies/{slug}/reviews", [replies[i]])
        if i < len(reports):
            reporter = shoppers[(author + 1) % SHOPPERS]
            reporter.post(f"/reviews/{rid}/report", [("reason", "spam"), ("comment", reports[i])])
            site.expect(s.staff, "/moderation", [*review, *reports[i].split("\n")])
        if slug == s.held:
            site.expect(s.staff, "/moderation", review)
        else:
            site.expect("", f"/companies/{slug}", card)
            site.expect_json(f"/api/v1/companies/{slug}/reviews", [title, body, pseudonym])
        if slug == s.unanswered:
            site.expect(s.rep, f"/dashboard/{slug}", card)
        # The pages of one review and the author's list (the same templates for each review;
        # the <title> context is also met by every payload on the search page).
        if author == 0:
            if slug != s.unanswered:
                site.expect("" if slug in s.reviewed else s.shoppers[0], f"/reviews/{rid}", card)
            if i < 2 * SHOPPERS or slug == s.held:
                site.expect(s.shoppers[0], f"/reviews/{rid}/edit", values=[title, body])
            site.expect(s.shoppers[0], "/mes-avis", [title])
        if slug in s.reviewed[:2]:
            site.expect("", f"/companies/{slug}/avis", card)


def claims(site: Site) -> None:
    """Pending claims (justifications), refused claims and a revocation (reasons)."""
    s = site.seed
    staff = site.agent_for(s.staff)
    slug = s.reviewed[0]
    for n, group in enumerate(pack(2000, "\n")):
        email = s.shoppers[n]
        site.agent_for(email).post(
            f"/companies/{slug}/claim", [("justification", text_of(group, 30))]
        )
        mid = site.membership(email, slug)
        shown = [*group, s.pseudonyms[email]]
        site.expect(s.staff, "/admin/claims", shown)
        site.expect(s.staff, f"/admin/claims/{mid}", shown)
        site.expect(s.rep, f"/dashboard/{slug}/team", [s.pseudonyms[email]])
    reasons = pack(1000, "\n")
    assert len(reasons) <= SHOPPERS, "one refused claim per shopper"
    representatives = f"/admin/companies/{s.claimed}/representatives"
    for email, group in zip(s.shoppers, reasons, strict=False):
        justification = "Responsable du service client, joignable au siège."
        site.agent_for(email).post(
            f"/companies/{s.claimed}/claim", [("justification", justification)]
        )
        mid = site.membership(email, s.claimed)
        staff.post(f"/admin/claims/{mid}", [("decision", "refuse"), ("reason", text_of(group))])
        site.expect(s.staff, representatives, [*group, s.pseudonyms[email]])
    mid = site.membership(s.rep2, s.claimed)
    staff.post(f"{representatives}/{mid}/revoke", [("reason", text_of(reasons[-1]))])
    site.expect(s.staff, representatives, [s.pseudonyms[s.rep2], s.pseudonyms[s.rep]])


def contact_values() -> list[list[str]]:
    """Groups for a contact value: a web address alone (it must hold no blank), other texts
    together; the payloads a contact value refuses (javascript:, data:…) are left out."""
    texts = [p for p in PAYLOADS if p not in URLS and value_problem(p.text) is None]
    groups = [*pack(300, " ", payloads=texts), *([u.text] for u in URLS)]
    assert all(value_problem(" ".join(g)) is None for g in groups)
    return groups


def pair(groups: list, k: int) -> tuple:
    """The k-th company's two successive values of a field (its history shows both)."""
    return groups[2 * k % len(groups)], groups[(2 * k + 1) % len(groups)]


def profiles(site: Site) -> None:
    """Two saves of each profile: the history then shows the first values and the second."""
    s = site.seed
    rep = site.agent_for(s.rep)
    companies = [*s.reviewed, s.claimed]
    descriptions, mediators = pack(2000, "\n", size=700), pack(200, " ")
    columns = {
        ("contact_points", "label"): pack(120, " "),
        ("contact_points", "value"): contact_values(),
        ("contact_points", "hours"): pack(300, " "),
        ("contact_centres", "city"): pack(120, " "),
        ("contact_centres", "country"): pack(80, " "),
        ("contact_centres", "languages"): pack(120, " "),
    }
    slots = len(companies) * ROWS
    assert all(len(groups) <= slots for groups in columns.values()), "more rows needed"
    assert len(mediators) <= 2 * len(companies), "more companies needed"
    for k, slug in enumerate(companies):
        path = f"/dashboard/{slug}/profile"
        first, second = pair(descriptions, k)
        old_name, name = pair(mediators, k)
        url = URLS[k % len(URLS)].text
        before = [("description", text_of(first)), ("mediator_name", " ".join(old_name))]
        rep.post(path, [*before, ("mediator_url", url)])
        fields, shown, values = [], [], []
        for j in range(ROWS):
            fields.append((f"contact_points-{j}-channel", "chat"))
            for (rows, column), groups in columns.items():
                group = groups[(k * ROWS + j) % len(groups)]
                fields.append((f"{rows}-{j}-{column}", " ".join(group)))
                shown += group
                values.append(" ".join(group))
        now = [("description", text_of(second)), ("mediator_name", " ".join(name))]
        now.append(("mediator_url", url))
        rep.post(path, [*now, *fields])
        history = [*first, *second, *old_name, *name, url]
        site.expect("", f"/companies/{slug}", [*history, *shown])
        site.expect(s.rep, path, history, values=[v for _, v in now] + values)
        site.expect_json(f"/api/v1/companies/{slug}", [v for _, v in now] + values)
        if slug in s.reviewed[:2]:
            site.expect("", f"/companies/{slug}/avis", [" ".join(name)])  # remedies


def tests_csv(company_slug: str, scenarios: list[str], notes: list[str]) -> bytes:
    """An audit CSV: one reached phone test per scenario, a month ago."""
    when = (date.today() - timedelta(days=30)).isoformat() + "T10:00"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for scenario, note in zip(scenarios, notes, strict=True):
        writer.writerow([company_slug, "phone", when, scenario, "oui", 30, "", 4, 4, 2, note])
    return out.getvalue().encode()


def audit(site: Site) -> None:
    """Campaigns (titles, seeds), imported tests, a refusal comment, correction reasons."""
    s = site.seed
    author, reviewer = site.agent_for(s.author), site.agent_for(s.reviewer)
    titles, seeds = pack(200, " "), pack(64, " ")
    drawn = [s.operator_texts[0], s.operator_texts[-1]]  # the company drawn, its sector
    ids = []
    for n in range(max(len(titles), len(seeds))):
        title, seed_ = titles[n % len(titles)], seeds[n % len(seeds)]
        fields = [("period", PERIOD), ("title", " ".join(title)), ("methodology_version", "v1")]
        fields += [("sector_ids", str(s.operator_sector_id)), ("per_sector", "1")]
        answer = author.post("/audit", [*fields, ("seed", " ".join(seed_))])
        ids.append(int(answer.location.rsplit("/", 1)[1]))
        site.expect(s.author, "/audit", [" ".join(title), " ".join(seed_)])
        if n < 3:
            site.expect(s.author, f"/audit/campaigns/{ids[-1]}", [" ".join(title), *drawn])
    scenarios = [" ".join(g) for g in pack(200, " ")]
    notes = [text_of(g) for g in pack(2000, "\n")]
    count = max(len(scenarios), len(notes))
    scenarios = [scenarios[i % len(scenarios)] for i in range(count)]
    notes = [notes[i % len(notes)] for i in range(count)]
    site.stored["test scenario"], site.stored["test notes"] = scenarios, notes
    url = f"/audit/campaigns/{ids[0]}"
    files = {"file": ("tests.csv", tests_csv(s.operator, scenarios, notes))}
    author.post(f"{url}/import", [], files=files)
    author.post(f"{url}/submit", [])
    reviewer.post(f"{url}/approve", [("correction_reason", ""), ("confirm", "y")])
    corrections = pack(2000, "\n")
    for group in corrections:
        author.post(f"{url}/reopen", [])
        author.post(f"{url}/submit", [])
        reviewer.post(f"{url}/approve", [("correction_reason", text_of(group)), ("confirm", "y")])
        site.expect(s.author, url, group)
        site.expect_json("/api/v1/publications", [text_of(group)])
        site.feed.extend(group)
    for publication, group in zip(site.publications()[1:], corrections, strict=True):
        site.expect("", f"/publications/{publication}", group)
    one_test = {"file": ("tests.csv", tests_csv(s.operator, ["Appel"], [""]))}
    for campaign, group in zip(ids[1:], pack(2000, "\n"), strict=False):
        url = f"/audit/campaigns/{campaign}"
        author.post(f"{url}/import", [], files=one_test)
        author.post(f"{url}/submit", [])
        reviewer.post(f"{url}/refuse", [("comment", text_of(group))])
        site.expect(s.author, url, group)
        site.drafts.append(url)  # back in draft: its author may import tests again
    site.expect("", "/grades", drawn[:1])


def operator(site: Site) -> None:
    """Pages of the company whose operator-entered names are payloads."""
    s = site.seed
    name, *_, sector = s.operator_texts
    site.expect("", f"/companies/{s.operator}", s.operator_texts)
    site.expect("", f"/sectors/{s.operator_sector}", [name, sector])
    site.expect("", f"/companies?sector={s.operator_sector}", [name])
    site.expect("", "/search?q=xss17", [name])
    site.expect("", "/companies")
    site.expect("", "/palmares")
    site.expect(s.shoppers[0], f"/companies/{s.operator}/claim", [name])
    site.expect_json(f"/api/v1/companies/{s.operator}", s.operator_texts)


assert REVIEWED * SHOPPERS >= len(TITLES)
