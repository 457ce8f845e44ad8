"""The test data builder (CTFd `gen_*` style): `World(session)` adds and flushes; callers commit.

Every folder's data ("world") is a few calls of this one builder. Published reviews enter
their company's summary as the services leave them (`rating.scores.store.record_change`),
audit campaigns go through the real draw, import, four-eyes and publication services, and
people sign in with `PASSWORD` (hashed once per distinct password: argon2 is slow). The
`make_*` functions and the audit helpers below are the same builder, one call at a time.
"""

import hashlib
import itertools
from contextlib import nullcontext
from datetime import date, timedelta

from flask import has_app_context

from rating.audit import decisions, services
from rating.db import utcnow
from rating.models import (
    AuditCampaign,
    AuditGrade,
    CampaignCompany,
    Company,
    CompanyStats,
    ContactCentre,
    ContactPoint,
    Invitation,
    Membership,
    Methodology,
    Publication,
    Reply,
    Report,
    Review,
    Sector,
    User,
    UserRole,
)
from rating.scores import store
from rating.scores.formula import growth, window_start

_counter = itertools.count(1)
# A few SIRENs that pass the Luhn check.
VALID_SIRENS = ["552081317", "542107651", "380129866", "732829320", "775670417", "404833048"]
PASSWORD = "correct horse battery staple"
_hash_cache: dict[str, str] = {}
AUDIT_HEADER = (
    "company_slug,channel,performed_at,scenario,reached,wait_seconds,response_hours,"
    "courtesy,understanding,accuracy,notes"
)


_apps: list = []  # the test's app (tests/conftest.py `app`), for steps that need its config


def use_app(app) -> None:
    """Remember the test's app for builder steps that read its configuration."""
    _apps[:] = [app]


def app_context():
    """The test app's context when none is active (a fixture building data outside one)."""
    if has_app_context() or not _apps:
        return nullcontext()
    return _apps[0].app_context()


class World:
    """One builder for every test's data; each method adds, flushes and returns the row."""

    def __init__(self, session):
        self.session = session

    def _add(self, row):
        self.session.add(row)
        self.session.flush()
        return row

    def commit(self) -> "World":
        self.session.commit()
        return self

    # Sectors, companies and their contact points.

    def sector(self, **fields) -> Sector:
        n = next(_counter)
        return self._add(Sector(**{"slug": f"secteur-{n}", "name": f"Secteur {n}", **fields}))

    def company(self, sector=None, *, contacts=(), centres=(), **fields) -> Company:
        """A company; `contacts` and `centres` are the fields of its ContactPoint/ContactCentre."""
        n = next(_counter)
        sector = sector or self.sector()
        values = {
            "slug": f"entreprise-{n}",
            "name": f"Entreprise {n}",
            "legal_name": f"Entreprise {n} SAS",
            "sector_id": sector.id,
            "city": "Lyon",
            "region": "Auvergne-Rhône-Alpes",
            "website_domain": f"entreprise{n}.fr",
        }
        company = self._add(Company(**{**values, **fields}))
        self.contacts(company, contacts, centres)
        return company

    def contacts(self, company, points=(), centres=()) -> None:
        """Contact points and contact centres of `company` (each given by its fields)."""
        self.session.add_all([ContactPoint(company_id=company.id, **p) for p in points])
        self.session.add_all([ContactCentre(company_id=company.id, **c) for c in centres])
        self.session.flush()

    def sector_with(self, count: int, prefix: str = "societe", **fields):
        """A sector holding `count` companies: (sector, companies)."""
        sector = self.sector(**fields)
        slugs = (f"{prefix}-{sector.id}-{i}" for i in range(count))
        return sector, [self.company(sector, slug=slug) for slug in slugs]

    # People: users with roles, representatives, claims.

    def user(self, *, roles=(), verified=True, password=PASSWORD, **fields) -> User:
        """A member; `password=None` sets none (for users who never sign in: no argon2 cost)."""
        n = next(_counter)
        user = User(**{"pseudonym": f"membre{n}", "email": f"membre{n}@example.org", **fields})
        if password is not None:
            if password not in _hash_cache:
                user.set_password(password)
                _hash_cache[password] = user.password_hash
            user.password_hash = _hash_cache[password]
        if verified:
            user.email_verified_at = utcnow() - timedelta(days=30)
            user.created_at = utcnow() - timedelta(days=30)
        user.roles = [UserRole(role=role) for role in roles]
        return self._add(user)

    def auditor(self, *, password: bool = False, roles=("auditor",)) -> User:
        """An auditor; without a password unless a view test must sign in."""
        if password:
            return self.user(roles=roles)
        n = next(_counter)
        fields = {"pseudonym": f"auditrice{n}", "email": f"auditrice{n}@example.org"}
        return self.user(roles=roles, password=None, **fields)

    def represent(self, user, company, *, status="active", method="admin", **fields):
        """`user` is a representative of `company` (an active membership by default)."""
        return self._add(
            Membership(
                user_id=user.id, company_id=company.id, status=status, method=method, **fields
            )
        )

    def claim(self, user, company, justification: str, method: str = "admin") -> Membership:
        """A pending claim of `user` to represent `company`."""
        return self.represent(
            user, company, status="pending", method=method, justification=justification
        )

    # Reviews and what happens to them: replies, reports, invitations.

    def review(self, *, author=None, company=None, days_ago=None, **fields) -> Review:
        """A review (published by default) counted in its company's summary, as the services do."""
        author = author or self.user()
        company = company or self.company()
        if days_ago is not None:
            fields.setdefault("experience_date", date.today() - timedelta(days=days_ago))
        values = {
            "author_id": author.id,
            "company_id": company.id,
            "status": "published",
            "channel": "phone",
            "experience_date": date.today() - timedelta(days=10),
            "stars": 3,
            "solved": "yes",
            "title": "Un service correct",
            "body": "J'ai appelé le service client et on m'a répondu assez vite.",
            "own_experience": True,
            "published_at": utcnow(),
        }
        review = self._add(Review(**{**values, **fields}))
        store.record_change(self.session, review, store.EMPTY)
        return review

    def reviews(self, company, stars, **fields) -> list[Review]:
        """One review of `company` for each number of `stars`."""
        return [self.review(company=company, stars=n, **fields) for n in stars]

    def reply(self, review, by, body: str = "Merci pour votre retour.") -> Reply:
        """The company's reply to `review`, counted in the summary (reply rate and delay)."""
        before = store.contribution(review)
        reply = self._add(
            Reply(review_id=review.id, company_id=review.company_id, author_id=by.id, body=body)
        )
        store.record_change(self.session, review, before)
        return reply

    def report(self, review, by, reason: str = "insults", comment: str = "") -> Report:
        """An open report of `review` by a member (not a representative)."""
        return self._add(
            Report(
                review_id=review.id, reporter_id=by.id, kind="user", reason=reason,
                comment=comment, status="open",
            )
        )  # fmt: skip

    def summary(self, company, count: int, stars: int) -> CompanyStats:
        """A summary row as if `count` reviews of `stars` stars were written today (no rows)."""
        g = growth(date.today())
        return self._add(
            CompanyStats(
                company_id=company.id, review_count=count, window_count=count,
                window_from=window_start(date.today()), sum_weight=g * count,
                sum_weighted_stars=g * count * stars, version=1,
            )
        )  # fmt: skip

    def invitation(self, company, by, *, batch=None, used=False, n=0) -> Invitation:
        """An invitation link to review `company` (only the token's hash is stored)."""
        return self._add(
            Invitation(
                company_id=company.id,
                created_by_id=by.id,
                token_hash=f"hash-{company.id}-{batch}-{n}",
                batch=batch,
                expires_at=utcnow() + timedelta(days=90),
                used_at=utcnow() if used else None,
            )
        )

    # Audit: campaigns through the services, their tests and publications.

    def campaign(
        self, author, sectors, per_sector=2, auditors=(), period="2026-T4", seed="graine",
        tests=None,
    ) -> AuditCampaign:  # fmt: skip
        """A draft campaign drawn from `sectors`; `tests` (CSV lines) imported if given."""
        draft = services.CampaignDraft(
            period=period,
            methodology_version="v1",
            sector_ids=[s.id for s in sectors],
            per_sector=per_sector,
            auditor_ids=[a.id for a in auditors],
            seed=seed,
        )
        campaign = services.create_campaign(self.session, author, draft)
        if tests:
            services.import_tests(self.session, campaign, author, csv_file(tests))
        return campaign

    def drawn(self, campaign) -> list[str]:
        """Slugs of the campaign's companies, in draw order."""
        ranked = sorted(campaign.companies, key=lambda cc: cc.draw_rank)
        return [self.session.get(Company, cc.company_id).slug for cc in ranked]

    def publish(self, campaign, author, reviewer, rows=None, reason="") -> Publication:
        """Import tests (a full set for each company by default), submit and approve."""
        if rows is None:
            rows = [r for slug in self.drawn(campaign) for r in full_rows(slug)]
        services.import_tests(self.session, campaign, author, csv_file(rows))
        decisions.submit_campaign(self.session, campaign, author)
        # Approval signs with the app's key file (rating.audit.signing): the test's app.
        with app_context():
            return decisions.approve_campaign(self.session, campaign, reviewer, reason)

    def raw_campaign(self, companies=None, **fields) -> AuditCampaign:
        """Campaign rows written directly (no draw, no service): for constraint tests."""
        if self.session.get(Methodology, "v1") is None:
            self._add(Methodology(version="v1", title="Méthodologie", parameters="{}"))
        companies = companies or [self.company()]
        values = {"period": "2026-T4", "methodology_version": "v1", "seed": "42"}
        values |= {"sample_size": len(companies), "author_id": self.auditor().id}
        campaign = AuditCampaign(**{**values, **fields})
        campaign.companies = [
            CampaignCompany(company_id=c.id, draw_rank=rank) for rank, c in enumerate(companies, 1)
        ]
        return self._add(campaign)

    def raw_publication(self, sequence=1, grades=None, period="2026-T4", kpis="{}") -> Publication:
        """A published campaign's rows written directly, with `grades` {company: (grade20,
        letter)} as given (no tests behind them): for constraint and display tests."""
        campaign = self.raw_campaign(list(grades or ()), status="published", period=period)
        digest = hashlib.sha256(str(campaign.id).encode()).hexdigest() if grades else "0" * 64
        publication = self._add(
            Publication(
                sequence=sequence, campaign_id=campaign.id, period=period,
                methodology_version="v1",
                approved_by_id=self.auditor().id,
                grades_json="[]", tests_json="[]", grades_sha256=digest, tests_sha256=digest,
                previous_hash="0" * 64, chain_hash=digest if grades else f"{sequence:064d}",
            )
        )  # fmt: skip
        for company, (grade20, letter) in (grades or {}).items():
            self.session.add(
                AuditGrade(
                    publication_id=publication.id, company_id=company.id, period=period,
                    methodology_version="v1", grade20=grade20, letter=letter,
                    channels="{}", kpis=kpis,
                )
            )  # fmt: skip
        self.session.flush()
        return publication


# Audit tests as the CSV import reads them.


def row(slug, channel, *, reached=True, wait="", hours="", c=4, u=4, a=2, notes="", when=None):
    """One CSV line; the measure defaults to a fast answer of the channel."""
    when = when or "2026-10-14T10:00"
    if reached and channel in ("phone", "chat") and wait == "":
        wait = 30
    if reached and channel in ("email", "social") and hours == "":
        hours = "0.5"
    scores = (c, u, a) if reached else ("", "", "")
    flag = "oui" if reached else "non"
    return (
        f"{slug},{channel},{when},Question sur une facture,{flag},{wait},{hours},"
        f"{scores[0]},{scores[1]},{scores[2]},{notes}"
    )


def csv_file(rows) -> str:
    return "\n".join([AUDIT_HEADER, *rows]) + "\n"


def phone_test_form(company_id, **overrides) -> dict:
    """The auditor's phone test form (prefix "phone-") as a browser posts it."""
    data = {
        "phone-company_id": str(company_id),
        "phone-performed_at": "2026-10-14T09:30",
        "phone-scenario": "Contester une facture",
        "phone-reached": "y",
        "phone-wait_seconds": "95",
        "phone-courtesy": "3",
        "phone-understanding": "4",
        "phone-accuracy": "2",
    }
    return data | overrides


def full_rows(slug, **overrides) -> list[str]:
    """20 tests over phone (10) and e-mail (10): enough for a publishable grade."""
    return [row(slug, "phone", **overrides)] * 10 + [row(slug, "email", **overrides)] * 10


# One call at a time (the names the tests import).


def make_sector(session, **fields) -> Sector:
    return World(session).sector(**fields)


def make_user(session, **fields) -> User:
    return World(session).user(**fields)


def make_company(session, *, sector=None, **fields) -> Company:
    return World(session).company(sector, **fields)


def make_membership(session, user, company, *, status="active", method="admin") -> Membership:
    return World(session).represent(user, company, status=status, method=method)


def make_review(session, **fields) -> Review:
    return World(session).review(**fields)


def auditor(session, **options) -> User:
    return World(session).auditor(**options)


def sector_with(session, count: int, prefix: str = "societe"):
    return World(session).sector_with(count, prefix)


def campaign(session, author, sectors, **options) -> AuditCampaign:
    return World(session).campaign(author, sectors, **options)


def publish(session, campaign_obj, author, reviewer, rows=None, reason="") -> Publication:
    return World(session).publish(campaign_obj, author, reviewer, rows, reason)


def make_campaign(session, **fields) -> AuditCampaign:
    return World(session).raw_campaign(**fields)


def make_publication(session, sequence=1) -> Publication:
    return World(session).raw_publication(sequence)
