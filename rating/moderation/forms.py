"""The moderator's decision form."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Length

from rating.forms import choices
from rating.reviews.rules import REFUSAL_REASONS

DECISION_LABELS = {
    "publish": "Publier",
    "reject": "Refuser (avis en attente)",
    "remove": "Retirer (avis en ligne)",
    "keep": "Laisser en ligne et classer les signalements",
}


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Décision", choices=choices(list(DECISION_LABELS.items())), validate_choice=False
    )
    reason = SelectField(
        "Motif (obligatoire pour refuser ou retirer)",
        choices=choices([("", "—"), *REFUSAL_REASONS.items()]),
        validate_choice=False,
    )
    comment = TextAreaField("Note interne (facultative)", validators=[Length(max=2000)])
