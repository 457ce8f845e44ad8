"""Companies and reviews as the plain dicts of the public JSON contract (DESIGN.md)."""

from rating.models import Company, Review
from rating.scores.read import CompanyCalls
from rating.vocabulary import REFUSAL_GROUNDS


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def company_item(company: Company) -> dict:
    """The short form used in lists."""
    return {
        "slug": company.slug,
        "name": company.name,
        "sector": company.sector.slug,
        "sector_name": company.sector.name,
        "city": company.city,
        "region": company.region,
    }


def answered_from(calls: CompanyCalls) -> dict:
    """Where shoppers think they were answered: perceptions, shares from `min_answers` on."""
    answered = calls.answered
    return {
        "answers": answered.answers,
        "min_answers": calls.min_answers,
        "shares": answered.shares,
        "countries": [{"country": c, "answers": n} for c, n in answered.countries]
        if answered.shown
        else [],
        "divergence": answered.divergence,
    }


def channels(calls: CompanyCalls) -> dict:
    """The community figures of each channel holding `min_channel_reviews` reviews."""
    return {
        figures.channel: {
            "score": figures.score.score,
            "count": figures.count,
            "reception": figures.score.reception,
            "after_sales": figures.score.after_sales,
            "median_hold_minutes": figures.median_hold_minutes,
            "human_reached_rate": figures.human_reached_rate,
        }
        for figures in calls.channels
    }


def company_detail(company: Company, community: dict, audit: dict, calls: CompanyCalls) -> dict:
    """The full company with its contact points, community score (with its figures per
    channel), where shoppers say calls are answered, and audit grades."""
    return {
        **company_item(company),
        "legal_name": company.legal_name,
        "aliases": company.alias_list,
        "siren": company.siren,
        "website_domain": company.website_domain,
        "description": company.description,
        "mediator": {"name": company.mediator_name, "url": company.mediator_url}
        if company.mediator_name
        else None,
        "contact_points": [
            {
                "channel": point.channel,
                "label": point.label,
                "value": point.value,
                "hours": point.hours,
                "open_evenings": point.open_evenings,
                "open_saturday": point.open_saturday,
                "open_sunday": point.open_sunday,
                "phone_cost": point.phone_cost,
                "declared_at": iso(point.declared_at),
            }
            for point in company.contact_points
        ],
        "contact_centres": [
            {"city": c.city, "country": c.country, "languages": c.languages, "declared": True}
            for c in company.contact_centres
        ],
        "community": {**community, "channels": channels(calls)},
        "answered_from": answered_from(calls),
        "audit": audit,
    }


def review_item(review: Review) -> dict:
    """A published review; the text is stored with phone numbers and e-mails already masked."""
    reply = review.reply
    return {
        "id": review.id,
        "author": review.author.display_name,
        "stars": review.stars,
        "title": review.title,
        "text": review.body,
        "channel": review.channel,
        "solved": review.solved,
        "solved_after_reply": review.solved_after_reply,
        "experience_date": iso(review.experience_date),
        "published_at": iso(review.published_at),
        "updated_at": iso(review.updated_at),
        "origin": review.origin,
        "criteria": review.criteria(),
        "reply": {
            "text": reply.body,
            "created_at": iso(reply.created_at),
            "updated_at": iso(reply.updated_at),
        }
        if reply is not None
        else None,
    }


def crowd_facts(facts: dict) -> dict:
    """The `facts` object: medians and shares of what shoppers declared (36 months)."""
    return {
        "median_hold_minutes": facts["hold_minutes"],
        "median_contacts_count": facts["contacts_count"],
        "median_resolution_days": facts["resolution_days"],
        "human_reached_rate": facts["human_reached_rate"],
        "human_reached_answers": facts["human_reached_answers"],
        "surcharged_rate": facts["surcharged_rate"],
        "phone_cost_answers": facts["phone_cost_answers"],
    }


def moderation_ledger(ledger: dict) -> dict:
    """The `moderation` object: the company page's public ledger, reasons as codes."""
    return {
        "received": ledger["received"],
        "published": ledger["published"],
        "held": ledger["pending"],
        "rejected": ledger["rejected"],
        "removed": ledger["removed"],
        "withdrawn": ledger["withdrawn"],
        "refused_by_reason": [
            {
                "reason": reason or "other",
                "ground": REFUSAL_GROUNDS.get(reason),
                "count": count,
            }
            for reason, count in ledger["refused_reasons"]
        ],
        "reported_by_company": ledger["reported_by_company"],
        "reported_upheld": ledger["reported_upheld"],
    }
