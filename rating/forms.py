"""Form helpers shared by the features: choices, the CSRF-only form, service errors."""

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from rating.i18n import lazy, translate


class EmptyForm(FlaskForm):
    """Only the CSRF token, for one-button actions (withdraw, leave, sign out everywhere)."""


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs; French labels (vocabulary, `N_`) are shown
    in the page's language, looked up when the form is rendered."""
    return [
        SelectChoice(value, lazy(label) if isinstance(label, str) else label)
        for value, label in pairs
    ]


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
