"""Form helpers shared by the features."""

from wtforms.fields.choices import SelectChoice

from rating.i18n import lazy, translate


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs; French labels (vocabulary, `N_`) are shown
    in the page's language, looked up when the form is rendered."""
    return [
        SelectChoice(value, lazy(label) if isinstance(label, str) else label)
        for value, label in pairs
    ]


def add_errors(form, reasons) -> None:
    """Attach a service's (field, message) pairs to the form; "" (or a field the form does
    not have) goes to the form as a whole."""
    for field, message in reasons:
        message = translate(message)
        if field and field in form:
            form[field].errors = [*form[field].errors, message]
        else:
            form.form_errors.append(message)
