"""Sign-in, second factor, password and profile forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from directory.web.contacts.forms import MultiCheckboxField


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    # Optional here: a client may send the code with the password instead of in a second step.
    code = StringField(_l("Code"), validators=[Length(max=40)])


class CodeForm(FlaskForm):
    """The second step of signing in, enrolling, and confirming second-factor changes."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])


LOCALE_CHOICES = [("", _l("As my browser")), ("en", "English"), ("fr", "Français"),
                  ("ar", "العربية")]


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    # Choices are set per request (see LOCALE_CHOICES): WTForms 3.3 deprecates tuples given here.
    locale = SelectField(_l("Interface language"), choices=[])
    languages = MultiCheckboxField(_l("Languages I work in"), choices=[])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])


class NewPasswordForm(FlaskForm):
    """Choosing a password through a link sent by mail (a reset or an invitation)."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1000)])
    confirmation = PasswordField(_l("The new password again"),
                                 validators=[DataRequired(), Length(max=1000)])
