"""The audit section of a company page: latest grade, channels, KPIs, history chart, notices."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from rating.msgids import N_
from rating.scores import read
from rating.scores.formula import CommunityScore

from .queries import PROFESSION_REFERENCES, company_history

DIVERGENCE_MIN_REVIEWS = 10  # reviews in the window before a divergence is worth saying
CHART = {"width": 600, "height": 220, "left": 40, "right": 20, "top": 20, "bottom": 40}


def divergence(letter: str | None, community: CommunityScore | None) -> str | None:
    """The one rule of the divergence notice (DESIGN, "Scores"), as a code of
    rating.vocabulary.DIVERGENCES, or None: letter A or B with an unrounded community score
    under 2.5, or D or E above 4.0, with at least 10 reviews in the score's window.

    The unrounded score decides: 2.475 shows "2,5" on the page but is under 2.5."""
    if letter is None or community is None or community.count < DIVERGENCE_MIN_REVIEWS:
        return None
    if letter in ("A", "B") and community.raw < 2.5:
        return "customers_harsher"
    if letter in ("D", "E") and community.raw > 4.0:
        return "customers_happier"
    return None


def divergent_grades(
    session: Session, grades: Iterable, today: date | None = None
) -> dict[int, str]:
    """{company id: divergence code} of the grades (items with `company_id` and `letter`)
    that disagree strongly with the company's community score of today (one read)."""
    grades = list(grades)
    scores = read.company_scores(session, {g.company_id for g in grades}, today or date.today())
    found = {}
    for grade in grades:
        code = divergence(grade.letter, scores.get(grade.company_id))
        if code:
            found[grade.company_id] = code
    return found


def history_chart(points: list[tuple[str, float | None]]) -> dict:
    """Coordinates of a grade-over-periods line chart (0–20), for a server-rendered SVG."""
    c = CHART
    inner_w = c["width"] - c["left"] - c["right"]
    inner_h = c["height"] - c["top"] - c["bottom"]
    step = inner_w / max(len(points) - 1, 1)
    marks = []
    for i, (period, grade20) in enumerate(points):
        x = c["left"] + (i * step if len(points) > 1 else inner_w / 2)
        y = None if grade20 is None else c["top"] + inner_h * (1 - grade20 / 20)
        marks.append({"period": period, "grade20": grade20, "x": round(x, 1), "y": _r(y)})
    line = " ".join(f"{m['x']},{m['y']}" for m in marks if m["y"] is not None)
    grid = [
        {"value": v, "y": round(c["top"] + inner_h * (1 - v / 20), 1)} for v in (0, 5, 10, 15, 20)
    ]
    return {**c, "marks": marks, "line": line, "grid": grid, "x_end": c["width"] - c["right"]}


def _r(value):
    return None if value is None else round(value, 1)


def kpi_rows(kpis: dict) -> list[dict]:
    """KPIs beside the profession's reference points, with whether each reference is met."""
    refs = PROFESSION_REFERENCES

    def row(key, label, unit, reference, met):
        value = kpis.get(key)
        return {
            "key": key,
            "label": label,
            "value": value,
            "unit": unit,
            "reference": reference,
            "met": None if value is None else met(value),
        }

    return [
        row(
            "accessibility_rate",
            N_("Taux d'accessibilité"),
            "%",
            N_("plus de %(num)s %%", num=refs["accessibility_rate"]),
            lambda v: v > refs["accessibility_rate"],
        ),
        row(
            "median_phone_wait_seconds",
            N_("Attente médiane au téléphone"),
            "s",
            N_("2 minutes ou moins"),
            lambda v: v <= refs["median_phone_wait_seconds"],
        ),
        row(
            "median_email_response_hours",
            N_("Délai médian de réponse par e-mail"),
            "h",
            None,
            lambda v: None,
        ),
        row(
            "complete_rate",
            N_("Réponses complètes dès le premier contact"),
            "%",
            N_("environ %(num)s %%", num=refs["complete_rate"]),
            lambda v: v >= refs["complete_rate"],
        ),
        row("mean_courtesy", N_("Courtoisie moyenne"), "/4", None, lambda v: None),
    ]


def company_audit_summary(
    session: Session, company_id: int, community: CommunityScore | None = None
) -> dict | None:
    """Everything the partial templates/audit/_company_audit.html shows; None if never audited.

    `community` is the company's community score (rating.scores.read), for the divergence
    notice; None when it has none."""
    history = company_history(session, company_id)
    if not history:
        return None
    latest = history[-1]
    return {
        "latest": latest,
        "channels": [{"key": key, **values} for key, values in latest.channels.items()],
        "kpis": kpi_rows(latest.kpis),
        "history": history,
        "chart": history_chart([(g.period, g.grade20) for g in history]),
        "divergence": divergence(latest.letter, community),
        "community_score": community.score if community else None,
    }
