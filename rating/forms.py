"""Form helpers shared by the features."""

from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def add_errors(form, reasons) -> None:
    """Attach a service's (field, message) pairs to the form; "" (or a field the form does
    not have) goes to the form as a whole."""
    for field, message in reasons:
        if field and field in form:
            form[field].errors = [*form[field].errors, message]
        else:
            form.form_errors.append(message)
