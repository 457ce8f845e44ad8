"""The data the form fuzzing works on, and for each POST route who may use it and where.

Each principal of the access matrix (tests/security/test_access_matrix.py) exists here with
the objects it may act on: shopper A's reviews (one with the company's reply), B's review
and pending claim, representatives of X and Y, a draft and a submitted audit campaign.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from rating.audit import decisions
from rating.auth.identity import binding
from rating.auth.tokens import make_token
from rating.claims.links import make_invitation
from rating.db import utcnow
from rating.models import AuditTest, Review, Suggestion, User
from rating.models.review import LIVE_STATUSES
from rating.reviews import services
from tests import factories

PASSWORD = "fuzz-Mot2Passe-assez-long"
BODY = "J'ai appelé le service client trois fois avant d'avoir quelqu'un de compétent."
EMAILS = {
    "shopper_a": "a@example.org",
    "shopper_b": "b@example.org",
    "shopper_c": "c@example.org",  # invited to join company X
    "rep_x": "rep@x.fr",
    "rep_y": "rep@y.fr",
    "auditor_1": "aud1@example.org",
    "auditor_2": "aud2@example.org",
    "moderator": "mod@example.org",
    "admin": "admin@example.org",
    "boss": "patronne@example.org",  # every staff role and representative of X
    "unverified": "nouveau@example.org",
}


@dataclass
class World:
    app: object
    x: str
    x_id: int
    y: str
    z: str  # no review of A yet, no representative
    user_ids: dict[str, int]
    review_a: int  # published, by A, on X, with X's reply
    review_w: int  # published, by A, on Y (A withdraws it)
    review_b: int  # published, by B, on X (A reports it)
    pending: int  # held, by B, on Z (the moderator decides)
    claim: int  # B's pending claim on Y
    membership_y: int  # rep_y's active membership
    campaign: int  # draft, by auditor 1, auditor 2 assigned, one test
    test_id: int
    submitted: int  # submitted by auditor 1: auditor 2 approves or refuses
    sector_id: int = 0  # X's sector (admin forms)
    suggestion: int = 0  # a pending suggestion of A (admin decides)
    slugs: list[str] = field(default_factory=list)  # companies of the campaigns
    passwords: dict[str, str] = field(default_factory=dict)

    def token(self, purpose: str, who: str) -> str:
        """A fresh, valid e-mail link token (verify or reset) for `who`."""
        with self.app.app_context():
            db = self.app.extensions["rating.db.read"]()
            user = db.get(User, self.user_ids[who])
            bound = user.email if purpose == "verify" else user.password_hash
            db.close()
            return make_token(purpose, user.id, bound)

    def email_change(self, who: str) -> str:
        """A valid link confirming a new address for `who`; sets the pending address only when
        none is (a success clears it; `after` sets it again), so a refused post writes nothing."""
        with self.app.app_context():
            db = self.app.extensions["rating.db.write"]()
            user = db.get(User, self.user_ids[who])
            if user.pending_email is None:
                user.pending_email = f"nouvelle-{secrets.token_hex(4)}@example.org"
                db.commit()
            token = make_token("email", user.id, binding(user))
            db.close()
            return token

    def invitation(self) -> str:
        with self.app.app_context():
            return make_invitation(self.x_id, self.user_ids["rep_x"], EMAILS["shopper_c"])


def build(app) -> World:
    """Every principal with the objects it acts on (see the module's docstring)."""
    db = app.extensions["rating.db.write"]()
    w = factories.World(db)
    sector = w.sector(slug="banque", name="Banque")
    x = w.company(
        sector, slug="societe-x", name="Société X", website_domain="x.fr",
        contacts=[
            {
                "position": 0, "channel": "phone", "label": "Service clients",
                "value": "01 99 00 12 34", "hours": "Du lundi au vendredi, de 9 h à 18 h",
                "phone_cost": "standard",
            },
            {"position": 1, "channel": "email", "value": "https://x.fr/aide"},
        ],
        centres=[{"city": "Lyon", "country": "France", "languages": "français"}],
    )  # fmt: skip
    y = w.company(sector, slug="societe-y", name="Société Y", website_domain="y.fr")
    z = w.company(sector, slug="societe-z", name="Société Z", website_domain="z.fr")
    staff = {"auditor_1": ("auditor",), "auditor_2": ("auditor",), "moderator": ("moderator",)}
    staff |= {"admin": ("admin",), "boss": ("admin", "auditor", "moderator")}
    users = {
        who: w.user(
            email=email, pseudonym=who.capitalize(), password=PASSWORD,
            roles=staff.get(who, ()), verified=who != "unverified",
        )
        for who, email in EMAILS.items()
    }  # fmt: skip
    suggestion = Suggestion(user_id=users["shopper_a"].id, name="Société Nouvelle")
    db.add(suggestion)
    w.represent(users["rep_x"], x, method="domain")
    w.represent(users["boss"], x)
    member_y = w.represent(users["rep_y"], y, method="domain")
    claim = w.claim(
        users["shopper_b"], y, "Je travaille au service client de la société Y depuis 2019."
    )
    facts = {"reachability": 2, "courtesy": 4, "hold_minutes": 12, "human_reached": True}
    review_a = w.review(author=users["shopper_a"], company=x, body=BODY, **facts)
    review_w = w.review(author=users["shopper_a"], company=y)
    review_b = w.review(author=users["shopper_b"], company=x)
    pending = w.review(author=users["shopper_b"], company=z, status="pending")
    audit_sector, companies = w.sector_with(2)
    auditor, auditors = users["auditor_1"], [users["auditor_2"]]
    slugs = [c.slug for c in companies]
    tests = [factories.row(slugs[0], "phone")]
    draft = w.campaign(auditor, [audit_sector], auditors=auditors, tests=tests)
    full = [r for slug in slugs for r in factories.full_rows(slug)]
    submitted = w.campaign(auditor, [audit_sector], auditors=auditors, period="2026-T3", tests=full)
    decisions.submit_campaign(db, submitted, auditor)
    w.reply(review_a, users["rep_x"], "Nous sommes désolés, rappelez-nous.")
    world = World(
        app=app, x=x.slug, x_id=x.id, y=y.slug, z=z.slug,
        user_ids={who: user.id for who, user in users.items()},
        review_a=review_a.id, review_w=review_w.id, review_b=review_b.id, pending=pending.id,
        claim=claim.id, membership_y=member_y.id, campaign=draft.id,
        test_id=db.scalar(select(AuditTest.id).where(AuditTest.campaign_id == draft.id)),
        submitted=submitted.id, slugs=slugs, sector_id=sector.id, suggestion=suggestion.id,
        passwords=dict.fromkeys(EMAILS, PASSWORD),
    )  # fmt: skip
    w.commit()
    db.close()
    return world


def withdraw_new_reviews(world: World, who: str, sent: dict) -> None:
    """After A's new review went through: withdraw it, so that the form is offered again."""
    db = world.app.extensions["rating.db.write"]()
    author = db.get(User, world.user_ids[who])
    fresh = select(Review).where(
        Review.author_id == author.id,
        Review.status.in_(LIVE_STATUSES),
        Review.id.not_in([world.review_a, world.review_w]),
    )
    for review in db.scalars(fresh).all():
        services.withdraw_review(db, review, author)
    db.close()


def new_password(world: World, who: str, sent: dict) -> None:
    """After a password change went through, the principal signs in with the new one."""
    world.passwords[who] = sent["new_password"]


@dataclass(frozen=True)
class Spec:
    """How to fuzz one POST route: as whom, at which URL, with the form found on which page."""

    principal: str  # a key of EMAILS, "anonymous", or "throwaway" (a new account each time)
    url: Callable[[World], str]
    page: Callable[[World], str] | None = None  # where the form is rendered (default: url)
    fresh: bool = False  # a new browser for each post (it ends or changes the session)
    may_delete: tuple[str, ...] = ()  # tables whose rows a successful post may delete
    after: Callable | None = None  # called with (world, principal, sent) after a success


def campaign_page(w: World) -> str:
    return f"/audit/campaigns/{w.campaign}"


SESSIONS = ("user_sessions", "login_attempts")
SPECS = {
    "auth.login": Spec("anonymous", lambda w: "/login", fresh=True),
    "auth.register": Spec("anonymous", lambda w: "/register"),
    "auth.reset_request": Spec("anonymous", lambda w: "/reset"),
    "auth.reset_password": Spec(
        "anonymous", lambda w: f"/reset/{w.token('reset', 'shopper_b')}", may_delete=SESSIONS
    ),
    "auth.verify": Spec("anonymous", lambda w: f"/verify/{w.token('verify', 'unverified')}"),
    "auth.confirm_email": Spec(
        "anonymous",
        lambda w: f"/account/email/{w.email_change('shopper_b')}",
        after=lambda w, who, sent: w.email_change("shopper_b"),
    ),
    "auth.logout": Spec("shopper_a", lambda w: "/logout", lambda w: "/", True, SESSIONS),
    "auth.resend_verification": Spec(
        "unverified", lambda w: "/account/verify", lambda w: "/account"
    ),
    "auth.change_password": Spec(
        "shopper_a",
        lambda w: "/account/password",
        lambda w: "/account",
        may_delete=SESSIONS,
        after=new_password,
    ),  # fmt: skip
    "auth.sign_out_everywhere": Spec(
        "shopper_a", lambda w: "/account/sessions", lambda w: "/account", True, SESSIONS
    ),
    "auth.delete_account": Spec(
        "throwaway", lambda w: "/account/delete", lambda w: "/account", True, SESSIONS
    ),
    # Turning a kind back on deletes its opt-out; "Ne plus suivre" deletes the follow.
    "notifications.settings": Spec(
        "rep_x", lambda w: "/account/notifications", may_delete=("notification_opt_outs",)
    ),
    "notifications.follow": Spec(
        "shopper_a",
        lambda w: f"/companies/{w.x}/suivre",
        lambda w: f"/companies/{w.x}",
        may_delete=("company_follows",),
    ),  # fmt: skip
    "reviews.new": Spec(
        "shopper_a", lambda w: f"/companies/{w.z}/review", after=withdraw_new_reviews
    ),
    "reviews.edit": Spec("shopper_a", lambda w: f"/reviews/{w.review_a}/edit"),
    "reviews.withdraw": Spec(
        "shopper_a", lambda w: f"/reviews/{w.review_w}/withdraw", lambda w: f"/reviews/{w.review_w}"
    ),
    "reviews.solved": Spec(
        "shopper_a", lambda w: f"/reviews/{w.review_a}/solved", lambda w: f"/reviews/{w.review_a}"
    ),
    "reviews.reply": Spec("rep_x", lambda w: f"/reviews/{w.review_a}/reply"),
    "reviews.report": Spec("shopper_a", lambda w: f"/reviews/{w.review_b}/report"),
    "dsa.notice": Spec("anonymous", lambda w: f"/reviews/{w.review_b}/illicite"),
    "dsa.author_appeal": Spec("shopper_a", lambda w: f"/reviews/{w.review_a}/contester"),
    "reviews.invitations_page": Spec("rep_x", lambda w: f"/companies/{w.x}/invitations"),
    "moderation.decide": Spec(
        "moderator", lambda w: f"/moderation/reviews/{w.pending}", lambda w: "/moderation"
    ),
    "claims.claim": Spec("shopper_a", lambda w: f"/companies/{w.z}/claim"),
    "claims.accept_invitation": Spec(
        "shopper_c", lambda w: f"/companies/{w.x}/join/{w.invitation()}"
    ),
    "claims.profile": Spec(
        "rep_x",
        lambda w: f"/dashboard/{w.x}/profile",
        may_delete=("contact_points", "contact_centres"),
    ),  # fmt: skip
    "claims.invite": Spec(
        "rep_x", lambda w: f"/dashboard/{w.x}/team/invite", lambda w: f"/dashboard/{w.x}/team"
    ),
    "claims.leave": Spec(
        "rep_y", lambda w: f"/dashboard/{w.y}/team/leave", lambda w: f"/dashboard/{w.y}/team"
    ),
    "claims.admin_decide": Spec("admin", lambda w: f"/admin/claims/{w.claim}"),
    "claims.admin_revoke": Spec(
        "admin", lambda w: f"/admin/companies/{w.y}/representatives/{w.membership_y}/revoke"
    ),
    "audit.index": Spec("auditor_1", lambda w: "/audit"),
    "audit.add_test": Spec(
        "auditor_1", lambda w: f"/audit/campaigns/{w.campaign}/tests/phone", campaign_page
    ),
    "audit.import_csv": Spec(
        "auditor_1",
        lambda w: f"/audit/campaigns/{w.campaign}/import",
        campaign_page,
        may_delete=("audit_tests",),
    ),  # fmt: skip
    "audit.delete_test": Spec(
        "auditor_1",
        lambda w: f"/audit/campaigns/{w.campaign}/tests/{w.test_id}/delete",
        campaign_page,
        may_delete=("audit_tests",),
    ),  # fmt: skip
    "audit.simple_action": Spec(
        "auditor_1", lambda w: f"/audit/campaigns/{w.campaign}/submit", campaign_page
    ),
    "audit.approve": Spec(
        "auditor_2",
        lambda w: f"/audit/campaigns/{w.submitted}/approve",
        lambda w: f"/audit/campaigns/{w.submitted}/approve",  # the confirmation page
    ),  # fmt: skip
    "audit.refuse": Spec(
        "auditor_2",
        lambda w: f"/audit/campaigns/{w.submitted}/refuse",
        lambda w: f"/audit/campaigns/{w.submitted}",
    ),  # fmt: skip
    "admin.company_new": Spec("admin", lambda w: "/admin/companies/new"),
    "admin.company_edit": Spec("admin", lambda w: f"/admin/companies/{w.x_id}"),
    "admin.company_close": Spec(
        "admin",
        lambda w: f"/admin/companies/{w.x_id}/close",
        lambda w: f"/admin/companies/{w.x_id}",
    ),
    "admin.company_group": Spec(
        "admin",
        lambda w: f"/admin/companies/{w.x_id}/group",
        lambda w: f"/admin/companies/{w.x_id}",
    ),
    "admin.company_merge": Spec(
        "admin",
        lambda w: f"/admin/companies/{w.x_id}/merge",
        lambda w: f"/admin/companies/{w.x_id}",
        # The two summaries (and their channels) are recomputed from their rows.
        may_delete=("company_buckets", "company_channel_stats"),
    ),
    "admin.sectors": Spec("admin", lambda w: "/admin/sectors"),
    "admin.sector_edit": Spec(
        "admin", lambda w: f"/admin/sectors/{w.sector_id}", may_delete=("sector_naf_codes",)
    ),
    "admin.user_roles": Spec(
        "admin",
        lambda w: f"/admin/users/{w.user_ids['shopper_b']}/roles",
        lambda w: f"/admin/users/{w.user_ids['shopper_b']}",
        may_delete=("user_roles", "user_sessions"),
    ),
    "admin.user_lock": Spec(
        "admin",
        lambda w: f"/admin/users/{w.user_ids['shopper_b']}/lock",
        lambda w: f"/admin/users/{w.user_ids['shopper_b']}",
        may_delete=("user_sessions",),
    ),
    "suggestions.admin_accept": Spec(
        "admin",
        lambda w: f"/admin/suggestions/{w.suggestion}/accept",
        lambda w: f"/admin/suggestions/{w.suggestion}",
    ),
    "suggestions.admin_refuse": Spec(
        "admin",
        lambda w: f"/admin/suggestions/{w.suggestion}/refuse",
        lambda w: f"/admin/suggestions/{w.suggestion}",
    ),
    "suggestions.suggest": Spec(
        "shopper_a", lambda w: "/companies/suggest", lambda w: "/companies/suggest?name=Nouvelle"
    ),
}
# Routes that cannot be fuzzed, each with why (none today: every form is reachable above).
UNFUZZABLE: dict[str, str] = {
    # The fuzz world holds no notice nor appeal; these forms render only beside one.
    "dsa.notifier_appeal": "needs a decided notice's signed link (its AppealForm is fuzzed "
    "through dsa.author_appeal); tests/dsa covers it",
    "moderation.decide_notice": "its form renders in the queue only beside an open notice; "
    "tests/dsa",
    "moderation.decide_appeal": "its form renders in the queue only beside an open appeal; "
    "tests/dsa",
    # RFC 8058: the one-click POST has no field and no CSRF token, only the signed link.
    "notifications.unsubscribe": "needs a signed link sent by mail; its POST has no field; "
    "tests/notifications covers it",
}


def known_values(world: World) -> dict:
    """URL arguments for routes without a Spec (fuzzed as `boss`, who holds every role)."""
    return {
        "slug": world.x, "review_id": world.review_a, "campaign_id": world.campaign,
        "test_id": world.test_id, "membership_id": world.claim, "token": "x",
        "channel": "phone", "action": "submit", "publication_id": 1, "notice_id": 1,
        "appeal_id": 1, "number": 1, "company_id": world.x_id, "sector_id": world.sector_id,
        "suggestion_id": world.suggestion, "user_id": world.user_ids["shopper_a"],
        "filename": "sitemap-1.xml",
    }  # fmt: skip


# Values that pass the shape checks, by field name (a prefix such as "phone-" aside).
VALID = {
    "email": [EMAILS["shopper_a"], "nouvelle.personne@example.org", "Rep@X.fr "],
    "password": [PASSWORD, "une phrase de passe solide"],
    "current_password": [PASSWORD],
    "new_password": ["une autre phrase de passe"],
    "new_email": ["nouvelle.adresse@example.org"],
    "confirm": [PASSWORD, "une phrase de passe solide", "une autre phrase de passe"],
    "pseudonym": ["Nouvelle_Personne", "Shopper_a"],
    "title": ["Service difficile à joindre"],
    "body": [BODY, BODY + " Merci pour la réponse."],
    "experience_date": [(utcnow() - timedelta(days=3)).date().isoformat()],
    "justification": ["Je suis responsable du service client de la société depuis 2019."],
    "reason": ["Le justificatif ne permet pas de vérifier l'emploi.", "spam", "fake"],
    "comment": ["Les mesures du chat manquent pour la société."],
    "correction_reason": ["Erreur de saisie corrigée."],
    "references": ["CMD-1\nCMD-2", "CMD-3"],
    "period": ["2027-T1"],
    "per_sector": ["1", "2"],
    "scenario": ["Question sur une facture"],
    "performed_at": ["2026-10-14T10:00"],
    "wait_seconds": ["30"],
    "own_experience": ["y"],
    "courtesy": ["3"],  # of an audit test (a review's criteria come checked: "na")
    "understanding": ["4"],
    "accuracy": ["2"],
    "mediator_url": ["https://mediateur.example"],
    "mediator_name": ["Médiateur"],
    "name": ["Nouvelle Entreprise", "Énergies du Littoral"],
    "legal_name": ["Nouvelle Entreprise SAS"],
    "siren": ["552081317", "732 829 320", ""],
    "website": ["nouvelle-entreprise.fr"],
    "website_domain": ["https://www.nouvelle-entreprise.fr"],
    "into": ["societe-y"],
    "group": ["societe-y", ""],
    "naf_codes": ["64.19Z", "6419Z\n65.12Z"],
    "role": ["moderator", "auditor"],
    "action": ["grant", "revoke"],
}


def valid_values(name: str, world: World, principal: str) -> list[str]:
    """Values of the field (`name`, a prefix aside) that pass its checks, for `principal`."""
    base = name.rsplit("-", 1)[-1]
    if base == "file":  # a CSV of tests of the draft campaign's companies
        return [factories.csv_file([factories.row(slug, "phone") for slug in world.slugs])]
    if base == "sector_id":
        return [str(world.sector_id)]
    if base in ("password", "current_password", "email_password"):
        return [world.passwords.get(principal, PASSWORD), *VALID[base]]
    return VALID.get(base, [])
