"""Demo step: a declared-profile history for two represented companies, two pending claims.

Deterministic (its own random generator, dates from the world's `now`). The changes go
through the same comparison as a representative's edit, so the history matches the rows.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..demo.loader import DemoWorld, register_step
from ..models import Company, CompanyDeclaration, ContactCentre, Membership
from .declared import diff_declared
from .profile import declared_of

JUSTIFICATIONS = (
    "Je suis responsable de la relation client de {name} depuis 2019. Mon adresse "
    "professionnelle est en cours de migration ; je peux envoyer une attestation de "
    "l'employeur ou un extrait Kbis.",
    "Je travaille au service réclamations de {name} (équipe réseaux sociaux). Notre "
    "direction m'a demandé de répondre aux avis publiés ici ; mon manager peut le confirmer.",
)
LATER_HOURS = "Du lundi au samedi, de 8 h à 21 h"


def _record(session: Session, company: Company, user_id: int, before, when) -> None:
    """Write the history of what changed since `before`, dated `when`."""
    session.flush()
    session.expire(company, ["contact_points", "contact_centres"])
    for change in diff_declared(before, declared_of(company)):
        session.add(
            CompanyDeclaration(
                company_id=company.id,
                user_id=user_id,
                field=change.field,
                old_value=change.old,
                new_value=change.new,
                created_at=when,
            )
        )
    company.declared_at = when


def _longer_hours(session: Session, company: Company, user_id: int, when) -> None:
    """The phone line (or the first contact point) opens evenings and Saturdays."""
    before = declared_of(company)
    points = company.contact_points
    point = next((p for p in points if p.channel == "phone"), points[0] if points else None)
    if point is None or point.hours == LATER_HOURS:
        return
    point.hours, point.open_evenings, point.open_saturday = LATER_HOURS, True, True
    point.declared_at = when
    _record(session, company, user_id, before, when)


def _new_centre(session: Session, company: Company, user_id: int, when) -> None:
    before = declared_of(company)
    session.add(ContactCentre(company=company, city="Lille", declared_at=when))
    _record(session, company, user_id, before, when)


def _longer_description(session: Session, company: Company, user_id: int, when) -> None:
    before = declared_of(company)
    company.description = (
        f"{company.description} Depuis cette année, chaque réclamation est suivie de bout en "
        "bout par un conseiller unique, joignable sans numéro surtaxé."
    ).strip()
    _record(session, company, user_id, before, when)


@register_step
def claims_demo(session: Session, world: DemoWorld) -> None:
    """Declared-profile history for two printed representatives' companies; two claims."""
    rng = world.rng_for("claims")
    session.flush()
    teams = [
        (world.user_ids[i], world.company_ids[a.company_index])
        for i, a in enumerate(world.accounts)
        if a.role == "representative" and a.printed
    ]
    steps = ((_longer_hours, 12), (_new_centre, 3)), ((_longer_description, 6),)
    for (user_id, company_id), changes in zip(teams, steps, strict=False):
        company = session.get(Company, company_id)
        for change, days in changes:
            when = world.now - timedelta(days=days, minutes=rng.randint(0, 600))
            change(session, company, user_id, when)
    represented = set(session.scalars(select(Membership.company_id)))
    # Unrepresented companies first; a small demo world has a team everywhere.
    candidates = [c for c in world.company_ids if c not in represented] or world.company_ids
    shoppers = world.ids_with_role("shopper")
    if len(candidates) < 2 or len(shoppers) < 2:
        return
    for (company_id, user_id), text, hours in zip(
        zip(rng.sample(candidates, 2), rng.sample(shoppers, 2), strict=True),
        JUSTIFICATIONS,
        (5 * 24 + 3, 20),
        strict=True,
    ):
        name = session.get(Company, company_id).name
        session.add(
            Membership(
                user_id=user_id,
                company_id=company_id,
                status="pending",
                method="admin",
                justification=text.format(name=name),
                created_at=world.now - timedelta(hours=hours),
            )
        )
    session.flush()
