"""The notification settings form (built per person: one choice per represented company)
and the "Suivre" button's form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import AnyOf

from rating.forms import choices
from rating.i18n import lazy
from rating.models.notification import OPTIONAL_KINDS
from rating.msgids import N_
from rating.vocabulary import NOTIFICATION_KINDS, REVIEW_ALERTS

ALERT_PREFIX = "alerts_"


class SettingsForm(FlaskForm):
    """Each optional kind on or off; `alerts_<company id>` fields are added per person."""

    def kinds_on(self) -> set[str]:
        return {kind for kind in OPTIONAL_KINDS if self[kind].data}

    def alerts(self) -> dict[int, str]:
        return {
            int(name.removeprefix(ALERT_PREFIX)): field.data
            for name, field in self._fields.items()
            if name.startswith(ALERT_PREFIX)
        }

    def alert_fields(self) -> list:
        return [field for name, field in self._fields.items() if name.startswith(ALERT_PREFIX)]


for _kind in OPTIONAL_KINDS:
    setattr(SettingsForm, _kind, BooleanField(lazy(NOTIFICATION_KINDS[_kind])))


def settings_form(companies, **kwargs) -> SettingsForm:
    """The form for a person representing `companies` (the mode of each is a choice)."""

    class PersonSettingsForm(SettingsForm):
        pass

    for company in companies:
        field = SelectField(company.name, choices=choices(REVIEW_ALERTS.items()))
        setattr(PersonSettingsForm, f"{ALERT_PREFIX}{company.id}", field)
    return PersonSettingsForm(**kwargs)


class FollowForm(FlaskForm):
    """Follow or stop following a company (one button on its page)."""

    action = HiddenField(validators=[AnyOf(("follow", "unfollow"), message=N_("Action inconnue."))])
