"""The suggestion form: checked once by GET (duplicates shown), then posted with its token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..claims.declared import clean_text
from ..companies.identity import IdentityError, normalise_domain, normalise_siren
from ..i18n import translate


class SuggestForm(FlaskForm):
    name = StringField(
        _l("Nom de l'entreprise"),
        validators=[
            DataRequired(message=_l("Indiquez le nom de l'entreprise.")),
            Length(min=2, max=200, message=_l("Entre %(min)d et %(max)d caractères.")),
        ],
        filters=[clean_text],
    )
    website = StringField(
        _l("Son site web (facultatif)"),
        validators=[Length(max=253, message=_l("Au plus %(max)d caractères."))],
        filters=[clean_text],
    )
    siren = StringField(
        _l("Son SIREN (facultatif, 9 chiffres)"),
        validators=[Length(max=20, message=_l("Au plus %(max)d caractères."))],
        filters=[clean_text],
    )

    def validate_website(self, field) -> None:
        try:
            field.data = normalise_domain(field.data)
        except IdentityError as exc:
            raise ValidationError(translate(exc.message)) from None

    def validate_siren(self, field) -> None:
        try:
            field.data = normalise_siren(field.data)
        except IdentityError as exc:
            raise ValidationError(translate(exc.message)) from None


class CheckForm(SuggestForm):
    """The same fields read from the query string (a search: no token, nothing stored)."""

    class Meta:
        csrf = False
