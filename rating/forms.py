"""Form helpers shared by the features: choices, the CSRF-only form, service errors."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.fields.choices import SelectChoice

from rating import countries
from rating.i18n import lazy, translate


class EmptyForm(FlaskForm):
    """Only the CSRF token, for one-button actions (withdraw, leave, sign out everywhere)."""


class CountField(IntegerField):
    """An optional whole number with a French message when it is not one."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                raise ValueError(_l("Indiquez un nombre entier, par exemple 12.")) from None


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs; French labels (vocabulary, `N_`) are shown
    in the page's language, looked up when the form is rendered."""
    return [
        SelectChoice(value, lazy(label) if isinstance(label, str) else label)
        for value, label in pairs
    ]


def country_choices() -> list[tuple[str, str]]:
    """The foreign countries (ISO 3166-1 alpha-2) named in the page's language, after
    "unknown": the choices of a select, set when the form is built (they depend on it)."""
    language = getattr(get_locale(), "language", "fr")
    return [("", _l("Pays inconnu ou non précisé")), *countries.names(language)]


def add_errors(form, reasons, *, form_level: bool = True) -> list[str]:
    """Attach a service's (field, message) pairs to the form's fields and return the messages
    tied to no field ("" or a field the form does not have).

    With form_level (the default) those are also kept in form.form_errors, for templates that
    list them above the form; pages that flash them instead pass form_level=False.
    """
    loose = []
    for field, message in reasons:
        message = translate(message)
        if field and field in form:
            form[field].errors = [*form[field].errors, message]
        else:
            loose.append(message)
    if form_level:
        form.form_errors.extend(loose)
    return loose
