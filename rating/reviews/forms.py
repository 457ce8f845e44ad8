"""Forms of the reviews feature. They check shape only; rules come back from the services."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from rating import vocabulary
from rating.forms import CountField, choices, country_choices
from rating.i18n import lazy
from rating.msgids import N_
from rating.plaintext import visible

from . import rules
from .community import SORTS
from .rules import ReviewDraft

SANS_AVIS = "na"
CRITERION_CHOICES = [("5", "5"), ("4", "4"), ("3", "3"), ("2", "2"), ("1", "1")]
CRITERION_CHOICES.append((SANS_AVIS, _l("Sans avis")))
STAR_CHOICES = [
    (str(n), lazy_ngettext("%(num)d étoile", "%(num)d étoiles", n)) for n in (5, 4, 3, 2, 1)
]
UNKNOWN = [("", _l("Je ne sais pas"))]


class FrenchDateField(DateField):
    """A date (HTML date input, AAAA-MM-JJ) with a French message when it is not one."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = date.fromisoformat(valuelist[0].strip())
            except ValueError:
                raise ValueError(_l("Indiquez une date valide, par exemple 2026-03-14.")) from None


class Mandatory:
    """Marks a field as required on the page (the label's star, the `required` attribute).

    It checks nothing: a missing value gets the service's French message, on its field.
    """

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


def _radio(label, pairs, default=None):
    # validate_choice=False: a missing or odd value gets the service's French message instead.
    if isinstance(label, str):  # a vocabulary label, translated when the page is rendered
        label = lazy(label)
    return RadioField(label, choices=choices(pairs), default=default, validate_choice=False)


class ReviewForm(FlaskForm):
    """The review: what happened, the overall note, the eight criteria and optional facts."""

    channel = _radio(
        _l("Par quel moyen avez-vous contacté l'entreprise ?"), list(rules.CHANNELS.items())
    )
    experience_date = FrenchDateField(_l("Date de votre expérience"), validators=[Mandatory()])
    stars = _radio(_l("Note globale"), STAR_CHOICES)
    solved = _radio(_l("Votre problème a-t-il été résolu ?"), list(rules.SOLVED.items()))
    title = StringField(
        _l("Titre de votre avis"),
        validators=[Mandatory(), Length(max=rules.MAX_TITLE)],
        filters=[visible],
    )
    body = TextAreaField(
        _l("Votre avis"),
        validators=[Mandatory(), Length(max=rules.MAX_BODY)],
        filters=[visible],
        description=_l(
            "Au moins %(min)d caractères. Les numéros de téléphone et adresses "
            "e-mail seront masqués.",
            min=rules.MIN_BODY,
        ),
    )
    reachability = _radio(rules.CRITERIA["reachability"], CRITERION_CHOICES, SANS_AVIS)
    waiting = _radio(rules.CRITERIA["waiting"], CRITERION_CHOICES, SANS_AVIS)
    courtesy = _radio(rules.CRITERIA["courtesy"], CRITERION_CHOICES, SANS_AVIS)
    listening = _radio(rules.CRITERIA["listening"], CRITERION_CHOICES, SANS_AVIS)
    resolution = _radio(rules.CRITERIA["resolution"], CRITERION_CHOICES, SANS_AVIS)
    responsiveness = _radio(rules.CRITERIA["responsiveness"], CRITERION_CHOICES, SANS_AVIS)
    follow_up = _radio(rules.CRITERIA["follow_up"], CRITERION_CHOICES, SANS_AVIS)
    competence = _radio(rules.CRITERIA["competence"], CRITERION_CHOICES, SANS_AVIS)
    hold_minutes = CountField(
        _l("Minutes d'attente avant d'avoir quelqu'un"), validators=[Optional()]
    )
    contacts_count = CountField(_l("Nombre de contacts nécessaires"), validators=[Optional()])
    resolution_days = CountField(_l("Jours jusqu'à la résolution"), validators=[Optional()])
    human_reached = _radio(
        _l("Avez-vous pu parler à une personne ?"),
        [("yes", N_("Oui")), ("no", N_("Non")), *UNKNOWN],
        "",
    )
    phone_cost = _radio(
        _l("Le numéro appelé était-il…"),
        [*rules.PHONE_COSTS.items(), ("", _l("Je ne sais pas"))],
        "",
    )
    answered_from = _radio(
        _l("Où pensez-vous que votre interlocuteur se trouvait ?"),
        [*vocabulary.ANSWERED_FROM.items(), ("", N_("Sans réponse"))],
        "",
    )
    answered_country = SelectField(
        _l("Dans quel pays, si vous le savez ?"), validate_choice=False, default=""
    )
    transfers = CountField(
        _l("Avez-vous été transféré ? Combien de fois (0 si non)"), validators=[Optional()]
    )
    own_experience = BooleanField(
        _l(
            "Je certifie que cet avis décrit ma propre expérience et que je n'ai reçu aucune "
            "contrepartie pour l'écrire."
        )
    )
    invitation = HiddenField()

    # The optional parts of the form, each shown as a collapsible group (reviews/form.html).
    GROUPS = {
        "reception": tuple(vocabulary.RECEPTION_CRITERIA),
        "after_sales": tuple(vocabulary.AFTER_SALES_CRITERIA),
        "facts": (
            "hold_minutes",
            "contacts_count",
            "resolution_days",
            "human_reached",
            "phone_cost",
        ),
        "calls": ("answered_from", "answered_country", "transfers"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answered_country.choices = country_choices()

    def group_open(self, group: str) -> bool:
        """A group starts open when it holds an error or a value: nothing typed is hidden."""
        fields = [self[name] for name in self.GROUPS[group]]
        return any(f.errors or f.data not in (None, "", SANS_AVIS) for f in fields)

    def to_draft(self) -> ReviewDraft:
        """The typed values, parsed; anything unparseable becomes None for the service to name."""

        def number(value):
            return int(value) if value in ("1", "2", "3", "4", "5") else None

        criteria = {}
        for name in rules.CRITERIA:
            raw = self[name].data
            criteria[name] = None if raw in (SANS_AVIS, "", None) else (number(raw) or 0)
        return ReviewDraft(
            channel=self.channel.data,
            experience_date=self.experience_date.data,
            stars=number(self.stars.data),
            solved=self.solved.data,
            title=self.title.data or "",
            body=self.body.data or "",
            own_experience=bool(self.own_experience.data),
            criteria=criteria,
            hold_minutes=self.hold_minutes.data,
            contacts_count=self.contacts_count.data,
            resolution_days=self.resolution_days.data,
            human_reached={"yes": True, "no": False}.get(self.human_reached.data),
            phone_cost=self.phone_cost.data or None,
            answered_from=self.answered_from.data or None,
            answered_country=self.answered_country.data or None,
            transfers=self.transfers.data,
        )

    def fill_from(self, review) -> None:
        """Pre-fill from a stored review (edit)."""
        self.channel.data = review.channel
        self.experience_date.data = review.experience_date
        self.stars.data = str(review.stars)
        self.solved.data = review.solved
        self.title.data = review.title
        self.body.data = review.body
        for name, value in review.criteria().items():
            self[name].data = SANS_AVIS if value is None else str(value)
        self.hold_minutes.data = review.hold_minutes
        self.contacts_count.data = review.contacts_count
        self.resolution_days.data = review.resolution_days
        self.human_reached.data = {True: "yes", False: "no"}.get(review.human_reached, "")
        self.phone_cost.data = review.phone_cost or ""
        self.answered_from.data = review.answered_from or ""
        self.answered_country.data = review.answered_country or ""
        self.transfers.data = review.transfers
        self.own_experience.data = review.own_experience


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Réponse de l'entreprise"),
        validators=[Length(max=rules.MAX_REPLY)],
        filters=[visible],
        description=_l("Publiée immédiatement, sous l'avis. Vous pourrez la modifier ensuite."),
    )


class ReportForm(FlaskForm):
    reason = _radio(_l("Motif du signalement"), list(rules.REPORT_REASONS.items()))
    comment = TextAreaField(
        _l("Précisions"),
        validators=[Length(max=2000)],
        filters=[visible],
        description=_l("Obligatoire si vous doutez de l'authenticité : dites pourquoi."),
    )


class SolvedForm(FlaskForm):
    solved = _radio(
        _l("Depuis la réponse, votre problème est-il résolu ?"),
        [("yes", N_("Oui")), ("no", N_("Non"))],
    )


class InvitationForm(FlaskForm):
    references = TextAreaField(
        _l("Références de vos clients (une par ligne, facultatif)"),
        validators=[Length(max=60_000)],
        description=_l(
            "Vide : un seul lien. Plusieurs lignes : un fichier CSV avec un lien par "
            "ligne (1000 au plus). Chaque lien ne sert qu'une fois et expire après 90 jours."
        ),
    )


class FilterForm(FlaskForm):
    """Sorting and filters of a company's reviews (GET, no CSRF)."""

    class Meta:
        csrf = False

    sort = SelectField(
        _l("Trier par"),
        choices=choices([(key, vocabulary.REVIEW_SORTS[key]) for key in SORTS]),
        default="recent",
        validate_choice=False,
    )
    channel = SelectField(
        _l("Canal"),
        choices=choices([("", N_("Tous")), *rules.CHANNELS.items()]),
        validate_choice=False,
    )
    stars = SelectField(
        _l("Note"),
        choices=choices([("", N_("Toutes")), *[(str(n), f"{n} ★") for n in (5, 4, 3, 2, 1)]]),
        validate_choice=False,
    )
    aspect = SelectField(
        _l("Aspect noté"),
        choices=choices([("", N_("Tous")), *vocabulary.ASPECTS.items()]),
        validate_choice=False,
    )
    with_reply = BooleanField(_l("Avec réponse de l'entreprise"))
    solved = BooleanField(_l("Problème résolu"))

    def params(self) -> dict[str, str]:
        """The filters to keep in links and in the page cache's key: this form's own keys
        with a value it knows, so nothing else the visitor put in the query string reaches
        url_for (`_external`, `_method`, `slug`…) or makes a new cache entry."""
        filters = self.filters()
        kept = {
            "sort": filters["sort"] if filters["sort"] != "recent" else None,
            "channel": filters["channel"],
            "stars": filters["stars"],
            "aspect": filters["aspect"],
            "with_reply": "y" if filters["with_reply"] else None,
            "solved": "y" if filters["solved"] else None,
        }
        return {name: str(value) for name, value in kept.items() if value}

    def filters(self) -> dict:
        """The chosen filters; a value the form does not know is no filter."""
        stars, sort = self.stars.data, self.sort.data
        return {
            "sort": sort if sort in SORTS else "recent",
            "channel": self.channel.data if self.channel.data in rules.CHANNELS else None,
            "stars": int(stars) if stars in ("1", "2", "3", "4", "5") else None,
            "aspect": self.aspect.data if self.aspect.data in vocabulary.ASPECTS else None,
            "with_reply": bool(self.with_reply.data),
            "solved": bool(self.solved.data),
        }
