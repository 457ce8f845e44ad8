"""Forms of the administrators' pages: shape only; rules come back from the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..claims.declared import clean_text, url_problem
from ..companies.identity import IdentityError, normalise_domain, normalise_siren
from ..forms import choices
from ..i18n import translate
from ..vocabulary import STAFF_ROLES

REQUIRED = _l("Ce champ est obligatoire.")


def _max(size: int) -> Length:
    return Length(max=size, message=_l("Ce champ compte au plus %(max)d caractères.", max=size))


def _required(size: int) -> list:
    return [DataRequired(message=REQUIRED), _max(size)]


def _reason(label, required: bool = True) -> TextAreaField:
    validators = _required(2000) if required else [_max(2000)]
    return TextAreaField(label, validators=validators, filters=[clean_text])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Rechercher"), validators=[_max(200)], filters=[clean_text])


class CompanyForm(FlaskForm):
    """A company's fields; the SIREN (Luhn) and the website are normalised here."""

    name = StringField(_l("Nom usuel"), validators=_required(200), filters=[clean_text])
    legal_name = StringField(_l("Raison sociale"), validators=_required(200), filters=[clean_text])
    aliases = TextAreaField(
        _l("Autres noms (marques, sigles), un par ligne"),
        validators=[_max(2000)],
        filters=[clean_text],
    )
    siren = StringField(_l("SIREN (facultatif)"), validators=[_max(20)], filters=[clean_text])
    sector_id = SelectField(_l("Secteur"), coerce=str, validate_choice=False)
    city = StringField(_l("Ville"), validators=[_max(120)], filters=[clean_text])
    region = StringField(_l("Région"), validators=[_max(120)], filters=[clean_text])
    website_domain = StringField(
        _l("Site web (domaine)"), validators=[_max(253)], filters=[clean_text]
    )
    mediator_name = StringField(
        _l("Médiateur de la consommation"), validators=[_max(200)], filters=[clean_text]
    )
    mediator_url = StringField(
        _l("Site du médiateur"), validators=[_max(300)], filters=[clean_text]
    )

    def validate_siren(self, field) -> None:
        try:
            field.data = normalise_siren(field.data)
        except IdentityError as exc:
            raise ValidationError(translate(exc.message)) from None

    def validate_website_domain(self, field) -> None:
        try:
            field.data = normalise_domain(field.data)
        except IdentityError as exc:
            raise ValidationError(translate(exc.message)) from None

    def validate_mediator_url(self, field) -> None:
        problem = url_problem(field.data or "")
        if problem:
            raise ValidationError(translate(problem))

    def validate_sector_id(self, field) -> None:
        if not (field.data or "").isdigit() or len(field.data) > 9:
            raise ValidationError(_l("Choisissez un secteur de la liste."))


class CloseForm(FlaskForm):
    reason = _reason(_l("Motif (gardé dans le journal)"))


class GroupForm(FlaskForm):
    group = StringField(
        _l("Groupe (adresse de sa fiche ou SIREN ; vide pour détacher)"),
        validators=[_max(120)],
        filters=[clean_text],
    )
    reason = _reason(_l("Motif (gardé dans le journal)"), required=False)


class MergeForm(FlaskForm):
    into = StringField(
        _l("Entreprise qui reste (adresse de sa fiche ou SIREN)"),
        validators=_required(120),
        filters=[clean_text],
    )
    reason = _reason(_l("Motif (gardé dans le journal)"))
    confirm = BooleanField(
        _l("Je confirme : les avis et les représentants passent à l'entreprise qui reste."),
        validators=[DataRequired(message=_l("Cochez la case pour confirmer la fusion."))],
    )


class SectorForm(FlaskForm):
    name = StringField(_l("Nom du secteur"), validators=_required(120), filters=[clean_text])


class SectorEditForm(SectorForm):
    naf_codes = TextAreaField(
        _l("Codes NAF rév. 2 rattachés à ce secteur (un par ligne, par exemple 64.19Z)"),
        validators=[_max(4000)],
        filters=[clean_text],
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=choices(STAFF_ROLES.items()), validate_choice=False)
    action = RadioField(
        _l("Action"),
        choices=choices([("grant", _l("Accorder")), ("revoke", _l("Retirer"))]),
        validate_choice=False,
    )
    reason = _reason(_l("Motif (gardé dans le journal)"))

    def validate_action(self, field) -> None:
        if field.data not in ("grant", "revoke"):
            raise ValidationError(_l("Choisissez d'accorder ou de retirer le rôle."))


class LockForm(FlaskForm):
    reason = _reason(_l("Motif (gardé dans le journal)"))


class RefuseForm(FlaskForm):
    reason = _reason(_l("Motif du refus (envoyé à la personne)"))
