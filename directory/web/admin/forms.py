"""User administration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Optional

from directory.web.contacts.forms import MultiCheckboxField


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"))
    name = StringField(_l("Name"))
    role = SelectField(_l("Role"), choices=[])
    networks = MultiCheckboxField(_l("Networks maintained (secretariat)"), choices=[])
    country = SelectField(_l("Country"), choices=[])
    organisation = StringField(_l("Organisation"))
    password = PasswordField(_l("New password (leave empty to keep)"), validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
