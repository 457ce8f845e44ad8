"""Forms of the notice (anyone), of an appeal, and of a moderator's reasoned decision."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, TextAreaField
from wtforms.validators import Email, InputRequired, Length

from rating.forms import choices
from rating.vocabulary import DECISION_GROUNDS, NOTICE_CATEGORIES

from .services import MAX_EXPLANATION


class NoticeForm(FlaskForm):
    category = RadioField(
        _l("Catégorie de contenu illicite"), choices=choices(list(NOTICE_CATEGORIES.items())),
        validators=[InputRequired(_l("Choisissez une catégorie."))],
    )  # fmt: skip
    explanation = TextAreaField(
        _l("En quoi ce contenu est-il illicite ?"),
        validators=[InputRequired(_l("Expliquez votre signalement.")), Length(max=MAX_EXPLANATION)],
    )
    email = EmailField(
        _l("Votre adresse e-mail (pour vous informer de la décision)"),
        validators=[InputRequired(_l("Indiquez votre adresse e-mail.")), Email(), Length(max=254)],
    )
    good_faith = BooleanField(
        _l("Je déclare de bonne foi que ce signalement est exact et complet.")
    )


class AppealForm(FlaskForm):
    explanation = TextAreaField(
        _l("Pourquoi cette décision est-elle erronée ?"),
        validators=[
            InputRequired(_l("Expliquez votre contestation.")),
            Length(max=MAX_EXPLANATION),
        ],
    )


class StatementForm(FlaskForm):
    outcome = RadioField(
        _l("Décision"),
        choices=choices([("upheld", _l("Fondé")), ("dismissed", _l("Non fondé"))]),
        validate_choice=False,
    )
    ground = SelectField(
        _l("Fondement"), choices=choices([("", "—"), *DECISION_GROUNDS.items()]),
        validate_choice=False,
    )  # fmt: skip
    explanation = TextAreaField(
        _l("Exposé des motifs (envoyé à l'intéressé)"), validators=[Length(max=MAX_EXPLANATION)]
    )
