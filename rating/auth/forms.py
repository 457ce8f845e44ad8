"""Account forms: shape only (lengths, formats); business rules come back from services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from .rules import PASSWORD_MAX, PSEUDONYM_MAX, normalise_email

REQUIRED = _l("Ce champ est obligatoire.")
EMAIL_FORMAT = _l("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.")
# Long enough for any real passphrase; the upper bound stops hashing megabytes.
PASSWORD_LENGTH = Length(
    max=PASSWORD_MAX, message=_l("Le mot de passe doit compter au plus 128 caractères.")
)


def strip(value):
    """Drop the blanks that copy and paste leaves around an address or a pseudonym."""
    return value.strip() if isinstance(value, str) else value


def canonical_email(value):
    """The address as it is stored (look-alike letters folded), before it is validated."""
    return normalise_email(value) if isinstance(value, str) else value


def email_field(label=_l("Adresse e-mail")) -> EmailField:
    return EmailField(
        label,
        validators=[DataRequired(REQUIRED), Length(max=254), Email(message=EMAIL_FORMAT)],
        filters=[canonical_email],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def password_field(label, autocomplete: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(REQUIRED), PASSWORD_LENGTH],
        render_kw={"autocomplete": autocomplete},
    )


def confirm_field(of: str) -> PasswordField:
    return PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo(of, message=_l("Les deux mots de passe diffèrent.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    email = StringField(
        _l("Adresse e-mail"),
        validators=[DataRequired(REQUIRED), Length(max=254)],
        filters=[canonical_email],
        render_kw={"autocomplete": "email", "spellcheck": "false", "inputmode": "email"},
    )
    password = password_field(_l("Mot de passe"), "current-password")
    remember = BooleanField(
        _l("Rester connecté sur cet appareil (30 jours)"),
        description=_l(
            "Sauf pour les comptes d'entreprise, d'audit et de modération, qui se "
            "reconnectent à chaque session du navigateur."
        ),
    )


class RegisterForm(FlaskForm):
    pseudonym = StringField(
        _l("Pseudonyme (affiché avec vos avis)"),
        validators=[DataRequired(REQUIRED), Length(max=PSEUDONYM_MAX)],
        filters=[strip],
        render_kw={"autocomplete": "nickname", "spellcheck": "false"},
    )
    email = email_field()
    password = password_field(_l("Mot de passe"), "new-password")
    confirm = confirm_field("password")
    # Required by the service (services.register), so that its refusal comes with the
    # pseudonym's and the password's problems, all at once.
    accept_cgu = BooleanField(_l("J'accepte les conditions générales d'utilisation"))


class ResetRequestForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = password_field(_l("Nouveau mot de passe"), "new-password")
    confirm = confirm_field("password")


class ChangePasswordForm(FlaskForm):
    current_password = password_field(_l("Mot de passe actuel"), "current-password")
    new_password = password_field(_l("Nouveau mot de passe"), "new-password")
    confirm = confirm_field("new_password")


class DeleteAccountForm(FlaskForm):
    password = password_field(_l("Mot de passe"), "current-password")
    confirm_delete = BooleanField(
        _l("Je comprends que la suppression est définitive."),
        validators=[InputRequired(_l("Cochez la case pour confirmer."))],
    )


class ChangeEmailForm(FlaskForm):
    new_email = email_field(_l("Nouvelle adresse e-mail"))
    # Not "password": the account page also holds the deletion form's, and ids must differ.
    email_password = password_field(_l("Mot de passe actuel"), "current-password")


class ChangePseudonymForm(FlaskForm):
    pseudonym = StringField(
        _l("Nouveau pseudonyme"),
        validators=[DataRequired(REQUIRED), Length(max=PSEUDONYM_MAX)],
        filters=[strip],
        render_kw={"autocomplete": "nickname", "spellcheck": "false"},
    )
