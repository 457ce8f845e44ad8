"""Form helpers shared by the features: choices, the CSRF-only form, service errors."""

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


class EmptyForm(FlaskForm):
    """Only the CSRF token, for one-button actions (withdraw, leave, sign out everywhere)."""


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def add_errors(form, reasons, *, form_level: bool = True) -> list[str]:
    """Attach a service's (field, message) pairs to the form's fields and return the messages
    tied to no field ("" or a field the form does not have).

    With form_level (the default) those are also kept in form.form_errors, for templates that
    list them above the form; pages that flash them instead pass form_level=False.
    """
    loose = []
    for field, message in reasons:
        if field and field in form:
            form[field].errors = [*form[field].errors, message]
        else:
            loose.append(message)
    if form_level:
        form.form_errors.extend(loose)
    return loose
