"""The company-declared profile: read it as plain data, save a representative's edit.

One save is one transaction: the rows change, one CompanyDeclaration row is written per
changed field, declared_at moves for what changed, and the search entry is queued.
"""

import logging
from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from .. import outbox
from ..db import utcnow
from ..models import Company, CompanyDeclaration, ContactCentre, ContactPoint, User
from . import services
from .declared import (
    MAX_CONTACT_CENTRES,
    MAX_CONTACT_POINTS,
    CentreData,
    Change,
    Declared,
    PointData,
    RowInput,
    diff_declared,
    plan_rows,
)

audit_log = logging.getLogger("rating.audit_log")
STALE_ROW = (
    "Une ligne du formulaire ne correspond plus à un élément de cette fiche (modifiée entre-temps "
    "par un collègue ?). Rechargez la page : vos autres saisies sont conservées ci-dessous."
)
SEARCHED = ("description", "contact_points", "contact_centres")


@dataclass(frozen=True)
class ProfileInput:
    """What the form sent, already shaped by it."""

    description: str
    mediator_name: str
    mediator_url: str
    contact_points: list[RowInput[PointData]]
    contact_centres: list[RowInput[CentreData]]


def point_data(point: ContactPoint) -> PointData:
    return PointData(
        channel=point.channel,
        label=point.label or "",
        value=point.value or "",
        hours=point.hours or "",
        open_evenings=bool(point.open_evenings),
        open_saturday=bool(point.open_saturday),
        open_sunday=bool(point.open_sunday),
        phone_cost=point.phone_cost if point.channel == "phone" else None,
    )


def centre_data(centre: ContactCentre) -> CentreData:
    return CentreData(centre.city, centre.country or "", centre.languages or "")


def declared_of(company: Company) -> Declared:
    """The company's current declaration as plain, comparable data."""
    return Declared(
        description=company.description or "",
        mediator_name=company.mediator_name or "",
        mediator_url=company.mediator_url or "",
        contact_points=tuple(point_data(p) for p in company.contact_points),
        contact_centres=tuple(centre_data(c) for c in company.contact_centres),
    )


def _apply_points(session: Session, company: Company, rows: list[RowInput[PointData]], now):
    existing = {p.id: p for p in company.contact_points}
    plan = plan_rows({i: point_data(p) for i, p in existing.items()}, rows)
    if plan.unknown:
        raise services.ClaimRejected([("", STALE_ROW)])
    if len(plan.rows) > MAX_CONTACT_POINTS:
        message = f"Déclarez au plus {MAX_CONTACT_POINTS} moyens de contact."
        raise services.ClaimRejected([("", message)])
    for row_id in plan.deleted:
        company.contact_points.remove(existing[row_id])  # delete-orphan removes the row
    for position, (row_id, data) in enumerate(plan.rows):
        point = existing.get(row_id) if row_id is not None else None
        if point is None:
            point = ContactPoint(company=company, declared_at=now)
            session.add(point)
        elif row_id in plan.changed:
            point.declared_at = now
        point.position = position
        for name, value in asdict(data).items():
            setattr(point, name, value)
    company.contact_points.sort(key=lambda p: p.position)


def _apply_centres(session: Session, company: Company, rows: list[RowInput[CentreData]], now):
    existing = {c.id: c for c in company.contact_centres}
    plan = plan_rows({i: centre_data(c) for i, c in existing.items()}, rows)
    if plan.unknown:
        raise services.ClaimRejected([("", STALE_ROW)])
    if len(plan.rows) > MAX_CONTACT_CENTRES:
        message = f"Déclarez au plus {MAX_CONTACT_CENTRES} centres de contact."
        raise services.ClaimRejected([("", message)])
    for row_id in plan.deleted:
        company.contact_centres.remove(existing[row_id])
    for row_id, data in plan.rows:
        centre = existing.get(row_id) if row_id is not None else None
        if centre is None:
            centre = ContactCentre(company=company, declared_at=now)
            session.add(centre)
        elif row_id in plan.changed:
            centre.declared_at = now
        centre.city, centre.country, centre.languages = data.city, data.country, data.languages


def update_profile(session: Session, user: User, company: Company, edit: ProfileInput):
    """Save what a representative declares; return the changes (none: nothing is written).

    Only the description, contact points, contact centres and mediator can change here:
    the name, SIREN, sector, reviews and scores are out of reach by construction.
    """
    if not services.is_active_representative(session, user.id, company.id):
        raise services.NotAllowed("not a representative")
    before = declared_of(company)
    now = utcnow()
    company.description = edit.description
    company.mediator_name = edit.mediator_name or None
    company.mediator_url = edit.mediator_url or None
    try:
        _apply_points(session, company, edit.contact_points, now)
        _apply_centres(session, company, edit.contact_centres, now)
    except services.ClaimRejected:
        session.rollback()
        raise
    changes = diff_declared(before, declared_of(company))
    if not changes:
        session.rollback()
        return []
    _record(session, user, company, changes, now)
    session.commit()
    return changes


def _record(session: Session, user: User, company: Company, changes: list[Change], now) -> None:
    for change in changes:
        session.add(
            CompanyDeclaration(
                company_id=company.id,
                user_id=user.id,
                field=change.field,
                old_value=change.old,
                new_value=change.new,
                created_at=now,
            )
        )
    company.declared_at = now
    if any(change.field in SEARCHED for change in changes):
        outbox.queue_company(session, company.id)
    audit_log.info(
        "declared profile company #%s by user #%s: %s",
        company.id, user.id, ", ".join(c.field for c in changes),
    )  # fmt: skip
