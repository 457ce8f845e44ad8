"""Forms of the claims feature: shape only; business rules come back from the services.

The profile form lists every declared row plus BLANK_ROWS empty ones (FieldList of
FormField), with a "supprimer" box per row, so that it works without JavaScript.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, ValidationError

from ..auth.forms import email_field
from ..forms import choices
from ..models.company import CONTACT_CHANNELS, PHONE_COSTS
from .declared import (
    BLANK_ROWS,
    CHANNEL_LABELS,
    DESCRIPTION_MAX,
    MAX_CONTACT_CENTRES,
    MAX_CONTACT_POINTS,
    PHONE_COST_LABELS,
    CentreData,
    PointData,
    RowInput,
    clean_text,
    point_problems,
    url_problem,
)
from .profile import ProfileInput
from .rules import DECISION_LABELS, JUSTIFICATION_MAX, REASON_MAX


def _max(size: int) -> Length:
    return Length(max=size, message=_l("Ce champ compte au plus %(max)d caractères.", max=size))


def _row_id(value: str | None) -> int | None:
    """The id of an existing row; -1 for anything odd (then refused as unknown)."""
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() else -1


class ClaimForm(FlaskForm):
    justification = TextAreaField(
        _l("Votre rôle dans l'entreprise"),
        validators=[_max(JUSTIFICATION_MAX)],
        filters=[clean_text],
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Décision"),
        choices=choices([(k, DECISION_LABELS[k]) for k in ("accept", "refuse")]),
        validate_choice=False,  # the service answers in French
    )
    reason = TextAreaField(
        _l("Motif (obligatoire pour refuser ; envoyé à la personne)"),
        validators=[_max(REASON_MAX)],
        filters=[clean_text],
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Motif du retrait (envoyé à la personne)"),
        validators=[_max(REASON_MAX)],
        filters=[clean_text],
    )


class InviteForm(FlaskForm):
    email = email_field(_l("Adresse e-mail de votre collègue"))


class ContactPointForm(Form):
    """One contact point row; a blank new row or a row to delete is not checked."""

    id = HiddenField()
    channel = SelectField(
        _l("Canal"),
        choices=choices([("", "— choisir —"), *((c, CHANNEL_LABELS[c]) for c in CONTACT_CHANNELS)]),
        validate_choice=False,
    )
    label = StringField(_l("Intitulé"), validators=[_max(120)], filters=[clean_text])
    value = StringField(_l("Numéro, adresse ou lien"), validators=[_max(300)], filters=[clean_text])
    hours = StringField(_l("Horaires"), validators=[_max(300)], filters=[clean_text])
    open_evenings = BooleanField(_l("Ouvert le soir (après 19 h)"))
    open_saturday = BooleanField(_l("Ouvert le samedi"))
    open_sunday = BooleanField(_l("Ouvert le dimanche"))
    phone_cost = SelectField(
        _l("Coût de l'appel (téléphone)"),
        choices=choices([("", "—"), *((c, PHONE_COST_LABELS[c]) for c in PHONE_COSTS)]),
        validate_choice=False,
    )
    delete = BooleanField(_l("Supprimer ce moyen de contact"))

    def is_blank(self) -> bool:
        texts = (self.channel, self.label, self.value, self.hours, self.phone_cost)
        return not self.id.data and not any((f.data or "").strip() for f in texts)

    def validate(self, extra_validators=None) -> bool:
        if self.delete.data or self.is_blank():
            return True
        valid = super().validate(extra_validators)
        if self.channel.data not in CONTACT_CHANNELS:
            self.channel.errors.append(_l("Choisissez un canal dans la liste."))
        elif self.phone_cost.data and self.phone_cost.data not in PHONE_COSTS:
            self.phone_cost.errors.append(_l("Choisissez un coût dans la liste."))
        else:
            for name, message in point_problems(self.to_data()):
                self[name].errors.append(message)
        return valid and not any(f.errors for f in self)

    def to_data(self) -> PointData:
        phone = self.channel.data == "phone"
        return PointData(
            channel=self.channel.data,
            label=self.label.data or "",
            value=self.value.data or "",
            hours=self.hours.data or "",
            open_evenings=bool(self.open_evenings.data),
            open_saturday=bool(self.open_saturday.data),
            open_sunday=bool(self.open_sunday.data),
            phone_cost=(self.phone_cost.data or None) if phone else None,
        )

    def to_row(self) -> RowInput[PointData]:
        blank = self.is_blank() or self.delete.data
        return RowInput(_row_id(self.id.data), None if blank else self.to_data(), self.delete.data)


class ContactCentreForm(Form):
    """One contact-centre row; country and languages default to France and French."""

    id = HiddenField()
    city = StringField(_l("Ville"), validators=[_max(120)], filters=[clean_text])
    country = StringField(_l("Pays (France si vide)"), validators=[_max(80)], filters=[clean_text])
    languages = StringField(
        _l("Langues (français si vide)"), validators=[_max(120)], filters=[clean_text]
    )
    delete = BooleanField(_l("Supprimer ce centre"))

    def is_blank(self) -> bool:
        texts = (self.city, self.country, self.languages)
        return not self.id.data and not any((f.data or "").strip() for f in texts)

    def validate(self, extra_validators=None) -> bool:
        if self.delete.data or self.is_blank():
            return True
        valid = super().validate(extra_validators)
        if not self.city.data:
            self.city.errors.append(_l("Indiquez la ville du centre de contact."))
        return valid and not self.city.errors

    def to_row(self) -> RowInput[CentreData]:
        blank = self.is_blank() or self.delete.data
        data = CentreData(
            self.city.data or "", self.country.data or "France", self.languages.data or "français"
        )
        return RowInput(_row_id(self.id.data), None if blank else data, self.delete.data)


class ProfileForm(FlaskForm):
    """What the company declares; nothing else of the company is in this form."""

    description = TextAreaField(
        _l("Présentation de l'entreprise"),
        validators=[_max(DESCRIPTION_MAX)],
        filters=[clean_text],
    )
    contact_points = FieldList(
        FormField(ContactPointForm), max_entries=MAX_CONTACT_POINTS + BLANK_ROWS
    )
    contact_centres = FieldList(
        FormField(ContactCentreForm), max_entries=MAX_CONTACT_CENTRES + BLANK_ROWS
    )
    mediator_name = StringField(
        _l("Nom du médiateur de la consommation"), validators=[_max(200)], filters=[clean_text]
    )
    mediator_url = StringField(
        _l("Site du médiateur"), validators=[_max(300)], filters=[clean_text]
    )

    def validate_mediator_url(self, field) -> None:
        message = url_problem(field.data or "")
        if message:
            raise ValidationError(message)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.mediator_url.data and not self.mediator_name.data:
            self.mediator_name.errors.append(_l("Indiquez le nom du médiateur."))
            valid = False
        return valid

    def to_input(self) -> ProfileInput:
        return ProfileInput(
            description=self.description.data or "",
            mediator_name=self.mediator_name.data or "",
            mediator_url=self.mediator_url.data or "",
            contact_points=[entry.form.to_row() for entry in self.contact_points],
            contact_centres=[entry.form.to_row() for entry in self.contact_centres],
        )
