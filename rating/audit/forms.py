"""Auditor forms: they check shape only; the services decide the business rules."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from rating import vocabulary
from rating.forms import CountField, choices, country_choices
from rating.msgids import N_

from .services import CampaignDraft
from .testrows import PARIS, AuditTestDraft

MAX_CSV_BYTES = 2 * 1024 * 1024
SCALE_0_4 = choices([("", "—"), *[(str(n), str(n)) for n in range(5)]])
SCORE_CHOICES = {
    "courtesy": SCALE_0_4,
    "understanding": SCALE_0_4,
    "accuracy": choices(
        [
            ("", "—"),
            ("0", _l("0 — aucune ou fausse")),
            ("1", _l("1 — partielle")),
            ("2", _l("2 — complète et exacte")),
        ]
    ),
}


def _int_or_none(value):
    return None if value in (None, "", "None") else int(value)


class CheckboxList(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FrenchDecimalField(DecimalField):
    """A decimal that also accepts a comma (3,5)."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = Decimal(valuelist[0].strip().replace(",", "."))
            except InvalidOperation as exc:
                self.data = None
                raise ValueError(_l("Nombre attendu, par exemple 3,5.")) from exc
            # NaN, sNaN, Infinity: Decimal reads them, nobody means them (float() fails on sNaN).
            if not self.data.is_finite():
                self.data = None
                raise ValueError(_l("Nombre attendu, par exemple 3,5."))
        else:
            self.data = None


class CampaignForm(FlaskForm):
    period = StringField(
        _l("Période"), validators=[DataRequired(_l("Indiquez la période.")), Length(max=20)]
    )
    title = StringField(_l("Intitulé (facultatif)"), validators=[Optional(), Length(max=200)])
    methodology_version = SelectField(_l("Méthodologie"), choices=choices([("v1", "v1")]))
    sector_ids = CheckboxList("Secteurs", coerce=int)
    per_sector = IntegerField(
        _l("Entreprises tirées par secteur"),
        default=5,
        validators=[
            InputRequired(_l("Indiquez un nombre.")),
            NumberRange(1, 50, _l("Entre 1 et 50.")),
        ],
    )
    auditor_ids = CheckboxList(_l("Autres auditeurs affectés"), coerce=int)
    seed = StringField(
        _l("Graine du tirage (facultatif, sinon tirée au hasard)"),
        validators=[Optional(), Length(max=64)],
    )

    def draft(self) -> CampaignDraft:
        """The entered values as the service's draft."""
        return CampaignDraft(
            self.period.data,
            self.methodology_version.data,
            self.sector_ids.data,
            self.per_sector.data,
            self.auditor_ids.data,
            self.title.data or "",
            self.seed.data,
        )


class AuditTestForm(FlaskForm):
    """One test on one channel; each channel's form has its own prefix on the page."""

    company_id = SelectField("Entreprise", coerce=int)
    performed_at = DateTimeLocalField(
        _l("Date et heure (heure de Paris)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Date et heure au format AAAA-MM-JJ HH:MM."))],
    )
    scenario = StringField(
        _l("Scénario"), validators=[DataRequired(_l("Décrivez le scénario.")), Length(max=200)]
    )
    reached = BooleanField(_l("Contact abouti"), default=True)
    wait_seconds = IntegerField(_l("Attente (secondes)"), validators=[Optional()])
    response_hours = FrenchDecimalField(_l("Délai de réponse (heures)"), validators=[Optional()])
    courtesy = SelectField(
        _l("Courtoisie (0–4)"),
        choices=SCORE_CHOICES["courtesy"],
        coerce=_int_or_none,
        validate_choice=False,
    )
    understanding = SelectField(
        _l("Compréhension (0–4)"),
        choices=SCORE_CHOICES["understanding"],
        coerce=_int_or_none,
        validate_choice=False,
    )
    accuracy = SelectField(
        _l("Exactitude de la réponse"),
        choices=SCORE_CHOICES["accuracy"],
        coerce=_int_or_none,
        validate_choice=False,
    )
    # Phone and chat only (ANSWERED_CHANNELS), when the agent said where they were.
    answered_from = SelectField(
        _l("Où se trouvait l'interlocuteur, selon lui"),
        choices=choices([("", N_("Non dit")), *vocabulary.ANSWERED_FROM.items()]),
        validate_choice=False,
    )
    answered_country = SelectField(_l("Pays, s'il est à l'étranger"), validate_choice=False)
    transfers = CountField(_l("Transferts"), validators=[Optional()])
    notes = TextAreaField(_l("Notes (jamais publiées)"), validators=[Optional(), Length(max=2000)])
    ANSWERED_CHANNELS = vocabulary.ANSWERED_CHANNELS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answered_country.choices = country_choices()

    def draft(self, channel: str) -> AuditTestDraft:
        """The entered values as a draft (a date-time without offset is Paris time)."""
        hours = self.response_hours.data
        return AuditTestDraft(
            company_id=self.company_id.data,
            channel=channel,
            performed_at=self.performed_at.data.replace(tzinfo=PARIS),
            scenario=self.scenario.data or "",
            reached=bool(self.reached.data),
            wait_seconds=self.wait_seconds.data,
            response_hours=None if hours is None else float(hours),
            courtesy=self.courtesy.data,
            understanding=self.understanding.data,
            accuracy=self.accuracy.data,
            notes=self.notes.data or "",
            answered_from=self.answered_from.data or None,
            answered_country=self.answered_country.data or None,
            transfers=self.transfers.data,
        )


class ImportForm(FlaskForm):
    file = FileField(_l("Fichier CSV"), validators=[FileRequired(_l("Choisissez un fichier CSV."))])

    def text(self) -> str | None:
        """The file as UTF-8 text; None, with the reason on the field, when it is not
        UTF-8 or larger than MAX_CSV_BYTES."""
        raw = self.file.data.read(MAX_CSV_BYTES + 1)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.file.errors = ["Le fichier doit être encodé en UTF-8."]
            return None
        if len(raw) > MAX_CSV_BYTES:
            self.file.errors = ["Fichier trop volumineux (2 Mo au plus) : découpez-le."]
            return None
        return text


class ApproveForm(FlaskForm):
    correction_reason = TextAreaField(
        _l("Motif de la correction (si la campagne a déjà été publiée)"),
        validators=[Optional(), Length(max=2000)],
    )
    confirm = BooleanField(
        _l("J'ai vérifié ces notes et je comprends que leur publication est définitive."),
        validators=[InputRequired(_l("Cochez la case pour confirmer la publication."))],
    )


class RefuseForm(FlaskForm):
    comment = TextAreaField(
        _l("Ce qui doit être repris"),
        validators=[DataRequired(_l("Expliquez ce qui doit être repris.")), Length(max=2000)],
    )
