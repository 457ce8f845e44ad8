"""One company's private scorecard, assembled from the read functions of each feature.

The community block comes from rating.reviews.community, the audit block from
rating.audit.summary, the monthly series from grouped queries (queries.py) turned into
points by monthly.py and into SVG geometry by charts.py. The page and the CSV export both
take their figures from `headline`, so they always agree.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from rating.audit.summary import company_audit_summary, kpi_rows
from rating.db import utcnow
from rating.i18n import translate
from rating.models import Company
from rating.msgids import N_
from rating.reviews import community, rules
from rating.scores import read
from rating.vocabulary import ASPECTS

from . import charts, export, figures, monthly, queries


@dataclass(frozen=True)
class Headline:
    """What both the page and the export print."""

    summary: dict
    awaiting_total: int
    position: figures.SectorPosition
    audit: dict | None
    figures: list[figures.Figure]


def headline(session: Session, company: Company, today: date) -> Headline:
    """Community summary, replies to do, sector position and audit grade, as figures."""
    summary = community.community_summary(session, company.id, today)
    awaiting_total = queries.awaiting_counts(session, [company.id]).get(company.id, 0)
    scores = queries.sector_scores(session, company.sector_id, today)
    position = figures.sector_position(scores, company.id)
    audit = company_audit_summary(session, company.id, community=summary["score"])
    latest = audit["latest"] if audit else None
    return Headline(
        summary=summary,
        awaiting_total=awaiting_total,
        position=position,
        audit=audit,
        figures=figures.key_figures(summary, awaiting_total, position, latest),
    )


def audit_history(audit: dict | None) -> list[dict]:
    """Each published period, newest first, with its channels and KPIs (labels from audit)."""
    if not audit:
        return []
    return [
        {
            "grade": grade,
            "channels": [{"key": key, **values} for key, values in grade.channels.items()],
            "kpis": kpi_rows(grade.kpis),
        }
        for grade in reversed(audit["history"])
    ]


def monthly_charts(session: Session, company_id: int, today: date) -> dict:
    """The 24 monthly points and the geometry of their three charts."""
    days = queries.day_totals(session, company_id, monthly.first_needed_day(today), today)
    points = monthly.series(days, today)
    months = [p.month for p in points]
    return {
        "points": points,
        "score": charts.line_chart(
            months, [("score", N_("Note de la communauté"), [p.score for p in points])]
        ),
        "criteria": charts.line_chart(
            months,
            [
                ("reception", ASPECTS["reception"], [p.reception for p in points]),
                ("after_sales", ASPECTS["after_sales"], [p.after_sales for p in points]),
            ],
        ),
        "volume": charts.bar_chart(months, [p.reviews for p in points]),
    }


def scorecard(
    session: Session, company: Company, today: date | None = None, now: datetime | None = None
) -> dict:
    """Every variable of templates/dashboard/company.html."""
    today = today or date.today()
    head = headline(session, company, today)
    awaiting = queries.awaiting_replies(session, company.id)
    return {
        "head": head,
        "community": head.summary,
        "audit": head.audit,
        "audit_history": audit_history(head.audit),
        "awaiting": [community.card(review) for review in awaiting],
        "trend": monthly_charts(session, company.id, today),
        "invitations": queries.invitation_batches(session, company.id, now or utcnow()),
        "calls": read.company_calls(
            session,
            company.id,
            [c.country for c in company.contact_centres],
            today,
            summary=head.summary["stored"],
        ),
        "today": today,
        "min_ranked": figures.MIN_RANKED_REVIEWS,
        "min_reply": rules.MIN_REPLY,
        "max_reply": rules.MAX_REPLY,
    }


def export_csv(session: Session, company: Company, today: date | None = None) -> str:
    """The CSV file of the company's published reviews and of the scorecard's figures."""
    head = headline(session, company, today or date.today())
    figures_rows = [(translate(f.label), f.value) for f in head.figures]
    return export.build_csv(queries.export_reviews(session, company.id), figures_rows)
