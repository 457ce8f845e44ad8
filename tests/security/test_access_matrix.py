"""Every route × every principal × owned / not-owned objects: the expected access, as a table.

A route missing from ROUTES fails `test_every_route_is_in_the_table`, so a new page cannot
ship without its access decided here. Outcomes are classes, not exact codes where the exact
code depends on the (empty) form: "ok" = served (2xx, a redirect elsewhere than the login page,
or a 400/422 from form validation), "login" = sent to the login page, 403, 404, or "bad" = a
4xx saying the link/token is invalid (400/404/410).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from rating.db import utcnow
from rating.models import AuditTest, Review, Suggestion
from tests import factories
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.helpers import login

PRINCIPALS = (
    "anonymous",
    "shopper_a",
    "shopper_b",
    "rep_x",
    "rep_y",
    "auditor_1",
    "auditor_2",
    "auditor_3",
    "moderator",
    "admin",
)
SIGNED_IN = PRINCIPALS[1:]


@dataclass
class World:
    x: str  # company X (rep_x represents it; reviews of shopper A and B)
    y: str  # company Y (rep_y; a pending review of B; a pending claim of B)
    review_a: int  # published, by A, on X
    review_a2: int  # published, by A, on Y (withdrawn by A in the table)
    review_b: int  # published, by B, on X
    pending: int  # pending, by B, on Y
    campaign: int  # draft campaign of auditor 1, auditor 2 on it
    test_id: int  # a test of that campaign
    publication: int  # a published campaign (by auditor 1, approved by auditor 2)
    claim: int  # B's pending claim on Y
    membership_y: int  # rep_y's active membership
    x_id: int  # company X's id (admin pages)
    sector_id: int
    user_b: int  # shopper B's id (admin account pages)
    suggestion: int  # a pending suggestion of shopper A


@pytest.fixture
def world(app) -> World:
    db = app.extensions["rating.db.write"]()
    w = factories.World(db)
    sector = w.sector(slug="banque", name="Banque")
    x = w.company(sector, slug="societe-x", name="Société X", website_domain="x.fr")
    y = w.company(sector, slug="societe-y", name="Société Y", website_domain="y.fr")
    users = {
        "shopper_a": w.user(email="a@example.org", pseudonym="Acheteuse_A"),
        "shopper_b": w.user(email="b@example.org", pseudonym="Acheteur_B"),
        "rep_x": w.user(email="rep@x.fr", pseudonym="Rep_X"),
        "rep_y": w.user(email="rep@y.fr", pseudonym="Rep_Y"),
        "auditor_1": w.user(email="aud1@example.org", roles=("auditor",)),
        "auditor_2": w.user(email="aud2@example.org", roles=("auditor",)),
        "auditor_3": w.user(email="aud3@example.org", roles=("auditor",)),  # on no campaign
        "moderator": w.user(email="mod@example.org", roles=("moderator",)),
        "admin": w.user(email="admin@example.org", roles=("admin",)),
    }
    suggestion = Suggestion(user_id=users["shopper_a"].id, name="Société Z")
    db.add(suggestion)
    w.represent(users["rep_x"], x, method="domain")
    member_y = w.represent(users["rep_y"], y, method="domain")
    claim = w.claim(
        users["shopper_b"], y, "Je travaille au service client de la société Y depuis 2019."
    )
    review_a = w.review(author=users["shopper_a"], company=x)
    review_a2 = w.review(author=users["shopper_a"], company=y)
    review_b = w.review(author=users["shopper_b"], company=x)
    pending = w.review(author=users["shopper_b"], company=y, status="pending")
    audit_sector, audited = w.sector_with(2)
    auditor, auditors = users["auditor_1"], [users["auditor_2"]]
    published = w.campaign(auditor, [audit_sector], auditors=auditors, period="2026-T3")
    publication = w.publish(published, auditor, users["auditor_2"])
    tests = [factories.row(audited[0].slug, "phone")]
    draft = w.campaign(auditor, [audit_sector], auditors=auditors, period="2026-T4", tests=tests)
    test_id = db.scalar(select(AuditTest.id).where(AuditTest.campaign_id == draft.id))
    world = World(
        x=x.slug, y=y.slug, review_a=review_a.id, review_a2=review_a2.id, review_b=review_b.id,
        pending=pending.id, campaign=draft.id, test_id=test_id,
        publication=publication.id, claim=claim.id, membership_y=member_y.id, x_id=x.id,
        sector_id=sector.id, user_b=users["shopper_b"].id, suggestion=suggestion.id,
    )  # fmt: skip
    w.commit()
    db.close()
    return world


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(PRINCIPALS, outcome)


def signed(outcome: str = "ok", **overrides: str) -> dict[str, str]:
    """Anonymous → login; every signed-in principal → `outcome`, except the overrides."""
    return {"anonymous": "login", **dict.fromkeys(SIGNED_IN, outcome), **overrides}


def only(*allowed: str, others: str = "403") -> dict[str, str]:
    """Anonymous → login; `allowed` → ok; the other signed-in principals → `others`."""
    return signed(others, **dict.fromkeys(allowed, "ok"))


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: object  # World -> str
    expected: dict[str, str]
    fresh: bool = False  # changes the principal's state (logout, withdraw…): own browser


W = World
DRAFT = only("auditor_1", "auditor_2") | {"auditor_3": "404"}  # a draft campaign's routes
ROUTES = [
    # Public pages and the read-only API.
    Route("main.index", "GET", lambda w: "/", everyone("ok")),
    Route("main.healthz", "GET", lambda w: "/healthz", everyone("ok")),
    Route("main.ready", "GET", lambda w: "/healthz/ready", everyone("ok")),
    Route("companies.index", "GET", lambda w: "/companies", everyone("ok")),
    Route("companies.sector", "GET", lambda w: "/sectors/banque", everyone("ok")),
    Route("companies.propose", "GET", lambda w: "/companies/proposer", everyone("ok")),
    Route("companies.detail", "GET", lambda w: f"/companies/{w.x}", everyone("ok")),
    Route("reviews.company_reviews", "GET", lambda w: f"/companies/{w.x}/avis", everyone("ok")),
    Route("reviews.show", "GET", lambda w: f"/reviews/{w.review_a}", everyone("ok")),
    Route("search.results", "GET", lambda w: "/search?q=societe", everyone("ok")),
    Route("search.autocomplete", "GET", lambda w: "/search/autocomplete?q=soc", everyone("ok")),
    Route("audit.grades", "GET", lambda w: "/grades", everyone("ok")),
    Route("audit.methodology", "GET", lambda w: "/methodology", everyone("ok")),
    Route("audit.publication", "GET", lambda w: f"/publications/{w.publication}", everyone("ok")),
    Route("moderation.charter", "GET", lambda w: "/charte", everyone("ok")),
    # Legal and trust pages, and what crawlers read.
    Route("legal.notice", "GET", lambda w: "/mentions-legales", everyone("ok")),
    Route("legal.cgu", "GET", lambda w: "/cgu", everyone("ok")),
    Route("legal.privacy", "GET", lambda w: "/confidentialite", everyone("ok")),
    Route("legal.cookies", "GET", lambda w: "/cookies", everyone("ok")),
    Route("legal.accessibility", "GET", lambda w: "/accessibilite", everyone("ok")),
    Route("legal.about", "GET", lambda w: "/a-propos", everyone("ok")),
    Route("main.robots", "GET", lambda w: "/robots.txt", everyone("ok")),
    Route("main.sitemap_index", "GET", lambda w: "/sitemap.xml", everyone("ok")),
    Route("main.sitemap_file", "GET", lambda w: "/sitemap-1.xml", everyone("ok")),
    Route("palmares.index", "GET", lambda w: "/palmares", everyone("ok")),
    Route("palmares.badge", "GET", lambda w: f"/companies/{w.x}/badge.svg", everyone("ok")),
    Route("api.companies", "GET", lambda w: "/api/v1/companies", everyone("ok")),
    Route("api.company", "GET", lambda w: f"/api/v1/companies/{w.x}", everyone("ok")),
    Route(
        "api.company_reviews", "GET", lambda w: f"/api/v1/companies/{w.x}/reviews", everyone("ok")
    ),
    Route("api.docs", "GET", lambda w: "/api", everyone("ok")),
    Route("api.openapi", "GET", lambda w: "/api/v1/openapi.json", everyone("ok")),
    Route("api.grades", "GET", lambda w: "/api/v1/grades", everyone("ok")),
    Route("api.publication_head", "GET", lambda w: "/api/v1/publications/head", everyone("ok")),
    Route(
        "api.publication_public_key",
        "GET",
        lambda w: "/api/v1/publications/public-key",
        everyone("ok"),
    ),
    Route(
        "api.publication",
        "GET",
        lambda w: f"/api/v1/publications/{w.publication}",
        everyone("ok"),
    ),
    Route(
        "api.publication_grades_json",
        "GET",
        lambda w: f"/api/v1/publications/{w.publication}/grades.json",
        everyone("ok"),
    ),
    Route(
        "api.publication_tests_json",
        "GET",
        lambda w: f"/api/v1/publications/{w.publication}/tests.json",
        everyone("ok"),
    ),
    Route(
        "audit.verifier_script",
        "GET",
        lambda w: "/methodology/verify_publications.py",
        everyone("ok"),
    ),
    Route("api.grades_csv", "GET", lambda w: "/api/v1/grades.csv", everyone("ok")),
    Route("api.publications", "GET", lambda w: "/api/v1/publications", everyone("ok")),
    Route(
        "api.publication_tests_csv",
        "GET",
        lambda w: f"/api/v1/publications/{w.publication}/tests.csv",
        everyone("ok"),
    ),
    Route("api.publications_feed", "GET", lambda w: "/api/v1/publications.atom", everyone("ok")),
    Route("api.reviews_csv", "GET", lambda w: "/api/v1/reviews.csv", everyone("ok")),
    Route("api.schema", "GET", lambda w: "/api/v1/schemas/reviews.json", everyone("ok")),
    Route("opendata.index", "GET", lambda w: "/donnees", everyone("ok")),
    # Accounts.
    Route("auth.login", "GET", lambda w: "/login", everyone("ok")),
    Route("auth.register", "GET", lambda w: "/register", everyone("ok")),
    Route("auth.register_sent", "GET", lambda w: "/register/sent", everyone("ok")),
    Route("auth.verify", "GET", lambda w: "/verify/not-a-token", everyone("bad")),
    Route("auth.reset_request", "GET", lambda w: "/reset", everyone("ok")),
    Route("auth.reset_sent", "GET", lambda w: "/reset/sent", everyone("ok")),
    Route("auth.reset_password", "GET", lambda w: "/reset/not-a-token", everyone("bad")),
    Route("auth.account", "GET", lambda w: "/account", signed()),
    Route("auth.verify_needed", "GET", lambda w: "/verification", everyone("ok")),
    Route("auth.resend_verification", "POST", lambda w: "/account/verify", signed()),
    Route("auth.change_password", "POST", lambda w: "/account/password", signed()),
    Route("auth.export", "GET", lambda w: "/account/export", signed()),
    Route("auth.change_email", "POST", lambda w: "/account/email", signed()),
    Route("auth.confirm_email", "GET", lambda w: "/account/email/not-a-token", everyone("bad")),
    Route("auth.change_pseudonym", "POST", lambda w: "/account/pseudonym", signed()),
    Route("auth.delete_account", "POST", lambda w: "/account/delete", signed()),
    Route(
        # Every session ends, this one included: back to the login page.
        "auth.sign_out_everywhere",
        "POST",
        lambda w: "/account/sessions",
        everyone("login"),
        fresh=True,
    ),
    Route("auth.logout", "POST", lambda w: "/logout", everyone("ok"), fresh=True),
    # Notifications: one's own settings, following a company, the signed unsubscribe link.
    Route("notifications.settings", "GET", lambda w: "/account/notifications", signed()),
    Route("notifications.follow", "POST", lambda w: f"/companies/{w.x}/suivre", signed()),
    Route(
        "notifications.unsubscribe", "GET", lambda w: "/desabonnement/not-a-token", everyone("bad")
    ),
    # Reviews: one's own, another's, a company's.
    Route(
        "reviews.new",
        "GET",
        lambda w: f"/companies/{w.x}/review",
        signed(rep_x="403", auditor_1="ok"),
    ),
    Route("reviews.mine", "GET", lambda w: "/mes-avis", signed()),
    Route("reviews.edit", "GET", lambda w: f"/reviews/{w.review_a}/edit", only("shopper_a")),
    Route(
        "reviews.withdraw",
        "POST",
        lambda w: f"/reviews/{w.review_a2}/withdraw",
        only("shopper_a"),
        fresh=True,
    ),
    Route("reviews.solved", "POST", lambda w: f"/reviews/{w.review_a}/solved", only("shopper_a")),
    Route("reviews.reply", "GET", lambda w: f"/reviews/{w.review_a}/reply", only("rep_x")),
    Route(
        "reviews.report",
        "GET",
        lambda w: f"/reviews/{w.review_a}/report",
        signed(shopper_a="403"),
    ),
    Route(
        "reviews.invitations_page", "GET", lambda w: f"/companies/{w.x}/invitations", only("rep_x")
    ),
    # Moderation.
    Route("moderation.queue", "GET", lambda w: "/moderation", only("moderator")),
    Route(
        "moderation.decide", "POST", lambda w: f"/moderation/reviews/{w.pending}", only("moderator")
    ),
    # Digital Services Act: anyone notifies; the author contests; moderators decide.
    Route("dsa.notice", "GET", lambda w: f"/reviews/{w.review_a}/illicite", everyone("ok")),
    Route(
        "dsa.author_appeal",
        "GET",
        lambda w: f"/reviews/{w.review_a}/contester",
        signed("403", shopper_a="ok"),
    ),
    Route("dsa.notifier_appeal", "GET", lambda w: "/signalements/x/contester", everyone("404")),
    Route(
        "moderation.decide_notice",
        "POST",
        lambda w: "/moderation/notices/999",
        signed("403", moderator="404"),
    ),
    Route(
        "moderation.decide_appeal",
        "POST",
        lambda w: "/moderation/appeals/999",
        signed("403", moderator="404"),
    ),
    # Audit: a draft is for the auditors on it (others get 404, as for an unknown campaign);
    # approval is four-eyes.
    Route("audit.index", "GET", lambda w: "/audit", only("auditor_1", "auditor_2", "auditor_3")),
    Route(
        "audit.campaign",
        "GET",
        lambda w: f"/audit/campaigns/{w.campaign}",
        DRAFT,
    ),
    Route(
        "audit.add_test",
        "POST",
        lambda w: f"/audit/campaigns/{w.campaign}/tests/phone",
        DRAFT,
    ),
    Route(
        "audit.import_csv",
        "POST",
        lambda w: f"/audit/campaigns/{w.campaign}/import",
        DRAFT,
    ),
    Route(
        "audit.delete_test",
        "POST",
        lambda w: f"/audit/campaigns/{w.campaign}/tests/{w.test_id}/delete",
        DRAFT,
    ),
    Route(
        "audit.simple_action",
        "POST",
        lambda w: f"/audit/campaigns/{w.campaign}/submit",
        DRAFT,
    ),
    Route(
        "audit.confirm_approval",
        "GET",
        lambda w: f"/audit/campaigns/{w.campaign}/approve",
        DRAFT,
    ),
    Route(
        "audit.approve",
        "POST",
        lambda w: f"/audit/campaigns/{w.campaign}/approve",
        DRAFT,
    ),
    Route(
        "audit.refuse",
        "POST",
        lambda w: f"/audit/campaigns/{w.campaign}/refuse",
        DRAFT,
    ),
    # Companies: claims, the private dashboard, team and declared profile.
    Route(
        "claims.claim",
        "GET",
        lambda w: f"/companies/{w.x}/claim",
        signed(),
    ),
    Route(
        "claims.accept_invitation",
        "GET",
        lambda w: f"/companies/{w.x}/join/not-a-token",
        signed("bad"),
    ),
    Route("dashboard.index", "GET", lambda w: "/dashboard", signed()),
    Route("dashboard.company", "GET", lambda w: f"/dashboard/{w.x}", only("rep_x")),
    Route("dashboard.export", "GET", lambda w: f"/dashboard/{w.x}/export.csv", only("rep_x")),
    Route("claims.team", "GET", lambda w: f"/dashboard/{w.x}/team", only("rep_x")),
    Route("claims.invite", "POST", lambda w: f"/dashboard/{w.x}/team/invite", only("rep_x")),
    Route(
        "claims.leave", "POST", lambda w: f"/dashboard/{w.x}/team/leave", only("rep_x"), fresh=True
    ),
    Route("claims.profile", "GET", lambda w: f"/dashboard/{w.x}/profile", only("rep_x")),
    Route("claims.admin_queue", "GET", lambda w: "/admin/claims", only("admin")),
    Route("claims.admin_decide", "GET", lambda w: f"/admin/claims/{w.claim}", only("admin")),
    Route(
        "claims.admin_representatives",
        "GET",
        lambda w: f"/admin/companies/{w.y}/representatives",
        only("admin"),
    ),
    Route(
        "claims.admin_revoke",
        "POST",
        lambda w: f"/admin/companies/{w.y}/representatives/{w.membership_y}/revoke",
        only("admin"),
    ),
    # Administration: every page for administrators only; suggestions for signed-in shoppers.
    Route("admin.index", "GET", lambda w: "/admin", only("admin")),
    Route("admin.log_view", "GET", lambda w: "/admin/log", only("admin")),
    Route("admin.companies", "GET", lambda w: "/admin/companies?q=soc", only("admin")),
    Route("admin.company_new", "GET", lambda w: "/admin/companies/new", only("admin")),
    Route("admin.company_edit", "GET", lambda w: f"/admin/companies/{w.x_id}", only("admin")),
    Route(
        "admin.company_close", "POST", lambda w: f"/admin/companies/{w.x_id}/close", only("admin")
    ),
    Route(
        "admin.company_group", "POST", lambda w: f"/admin/companies/{w.x_id}/group", only("admin")
    ),
    Route(
        "admin.company_merge", "POST", lambda w: f"/admin/companies/{w.x_id}/merge", only("admin")
    ),
    Route("admin.sectors", "GET", lambda w: "/admin/sectors", only("admin")),
    Route("admin.sector_edit", "GET", lambda w: f"/admin/sectors/{w.sector_id}", only("admin")),
    Route("admin.users", "GET", lambda w: "/admin/users?q=a", only("admin")),
    Route("admin.user_detail", "GET", lambda w: f"/admin/users/{w.user_b}", only("admin")),
    Route("admin.user_roles", "POST", lambda w: f"/admin/users/{w.user_b}/roles", only("admin")),
    Route("admin.user_lock", "POST", lambda w: f"/admin/users/{w.user_b}/lock", only("admin")),
    Route("suggestions.admin_list", "GET", lambda w: "/admin/suggestions", only("admin")),
    Route(
        "suggestions.admin_show",
        "GET",
        lambda w: f"/admin/suggestions/{w.suggestion}",
        only("admin"),
    ),
    Route(
        "suggestions.admin_accept",
        "POST",
        lambda w: f"/admin/suggestions/{w.suggestion}/accept",
        only("admin"),
    ),
    Route(
        "suggestions.admin_sirene",
        "POST",
        lambda w: f"/admin/suggestions/{w.suggestion}/sirene",
        only("admin"),
    ),
    Route(
        "suggestions.admin_refuse",
        "POST",
        lambda w: f"/admin/suggestions/{w.suggestion}/refuse",
        only("admin"),
    ),
    Route("suggestions.suggest", "GET", lambda w: "/companies/suggest?name=Zeta", signed()),
    Route("suggestions.mine", "GET", lambda w: "/mes-suggestions", signed()),
]
# The other company's private pages and ids of another company: never reachable.
CROSS = [
    Route("dashboard.company", "GET", lambda w: f"/dashboard/{w.y}", only("rep_y")),
    Route("dashboard.export", "GET", lambda w: f"/dashboard/{w.y}/export.csv", only("rep_y")),
    Route("claims.team", "GET", lambda w: f"/dashboard/{w.y}/team", only("rep_y")),
    Route("claims.profile", "GET", lambda w: f"/dashboard/{w.y}/profile", only("rep_y")),
    Route(
        "reviews.invitations_page", "GET", lambda w: f"/companies/{w.y}/invitations", only("rep_y")
    ),
    Route("reviews.reply", "GET", lambda w: f"/reviews/{w.review_a2}/reply", only("rep_y")),
    Route("reviews.edit", "GET", lambda w: f"/reviews/{w.review_b}/edit", only("shopper_b")),
    # A membership id of company Y under company X's URL: not found, even for an admin.
    Route(
        "claims.admin_revoke",
        "POST",
        lambda w: f"/admin/companies/{w.x}/representatives/{w.membership_y}/revoke",
        signed("403", admin="404"),
    ),
    Route("dashboard.company", "GET", lambda w: "/dashboard/inconnue", signed("404")),
    # An unknown company, account or suggestion: 404 for an administrator, 403 for others.
    Route(
        "admin.company_edit", "GET", lambda w: "/admin/companies/999999", signed("403", admin="404")
    ),
    Route("admin.user_detail", "GET", lambda w: "/admin/users/999999", signed("403", admin="404")),
    Route(
        "suggestions.admin_show",
        "GET",
        lambda w: "/admin/suggestions/999999",
        signed("403", admin="404"),
    ),
]


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        return "login" if "/login" in response.headers["Location"] else "ok"
    if status in (403, 404):
        return str(status)
    if status == 410:
        return "bad"
    if status in (400, 422):
        return "form"  # the route's own form refused the empty input: access was granted
    return "ok" if status < 400 else str(status)


def matches(expected: str, got: str) -> bool:
    if expected == "ok":
        return got in ("ok", "form")
    if expected == "bad":
        return got in ("form", "404")  # an invalid link: 400 or 404, 410 when expired
    return got == expected


def browser_for(app, principal: str, world: World):
    client = app.test_client()
    if principal != "anonymous":
        email = {
            "shopper_a": "a@example.org", "shopper_b": "b@example.org", "rep_x": "rep@x.fr",
            "rep_y": "rep@y.fr", "auditor_1": "aud1@example.org",
            "auditor_2": "aud2@example.org", "auditor_3": "aud3@example.org",
            "moderator": "mod@example.org",
            "admin": "admin@example.org",
        }[principal]  # fmt: skip
        response = login(client, email)
        assert response.status_code == 302, f"{principal} could not sign in"
    return client


def request(client, route: Route, world: World, principal: str):
    url = route.url(world)
    if route.method == "GET":
        return client.get(url)
    # Signed in, the header's logout form carries the token; signed out, the login form.
    token = csrf_token(client, "/login" if principal == "anonymous" else "/")
    return client.post(url, data={"csrf_token": token})


def test_every_route_is_in_the_table(app):
    tabled = {route.endpoint for route in ROUTES}
    served = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert served - tabled == set(), "routes without an access decision in the table"
    assert tabled - served == set(), "table rows for routes that no longer exist"


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_access_matrix(app, world, principal):
    """Each principal visits every route (state-changing ones from a browser of their own)."""
    shared = browser_for(app, principal, world)
    wrong = []
    for route in [r for r in ROUTES if not r.fresh] + CROSS + [r for r in ROUTES if r.fresh]:
        client = browser_for(app, principal, world) if route.fresh else shared
        got = outcome(request(client, route, world, principal))
        want = route.expected[principal]
        if not matches(want, got):
            wrong.append(
                f"{route.method} {route.url(world)} ({route.endpoint}): {got}, want {want}"
            )
    assert wrong == [], f"{principal}:\n" + "\n".join(wrong)


def test_unverified_account_cannot_post_or_claim(app, world):
    db = app.extensions["rating.db.write"]()
    make_user(db, email="new@example.org", verified=False)
    db.commit()
    db.close()
    client = browser_for(app, "anonymous", world)
    assert login(client, "new@example.org").status_code == 302
    for url in (f"/companies/{world.x}/review", f"/companies/{world.x}/claim"):
        response = client.get(url)
        assert response.status_code == 302 and "/verification" in response.headers["Location"]


def test_a_withdrawn_review_is_no_longer_editable_by_anyone(app, world):
    db = app.extensions["rating.db.write"]()
    db.get(Review, world.review_a).status = "withdrawn"
    db.get(Review, world.review_a).updated_at = utcnow() - timedelta(minutes=1)
    db.commit()
    db.close()
    client = browser_for(app, "shopper_a", world)
    response = client.get(f"/reviews/{world.review_a}/edit", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "il ne peut plus être modifié" in page
    assert 'name="body"' not in page  # no form to fill in vain
