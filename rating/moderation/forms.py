"""The moderator's decision form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Length

from rating.forms import choices
from rating.vocabulary import REFUSAL_REASONS

DECISION_LABELS = {
    "publish": _l("Publier"),
    "reject": _l("Refuser (avis en attente)"),
    "remove": _l("Retirer (avis en ligne)"),
    "keep": _l("Laisser en ligne et classer les signalements"),
}


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Décision"), choices=choices(list(DECISION_LABELS.items())), validate_choice=False
    )
    reason = SelectField(
        _l("Motif (obligatoire pour refuser ou retirer)"),
        choices=choices([("", "—"), *REFUSAL_REASONS.items()]),
        validate_choice=False,
    )
    comment = TextAreaField(_l("Note interne (facultative)"), validators=[Length(max=2000)])
