"""User administration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from directory.web.contacts.forms import MultiCheckboxField


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(_l("Enter an e-mail address."))])
    name = StringField(_l("Name"))
    role = SelectField(_l("Role"), choices=[])
    networks = MultiCheckboxField(_l("Networks maintained (secretariat)"), choices=[])
    country = SelectField(_l("Country"), choices=[])
    organisation = StringField(_l("Organisation"))
    password = PasswordField(_l("New password (leave empty to keep)"), validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)


class NetworkForm(FlaskForm):
    slug = StringField(_l("Short name (slug)"))
    name = StringField(_l("Name in English"))
    name_fr = StringField(_l("Name in French"))
    name_ar = StringField(_l("Name in Arabic"))
    description = StringField(_l("Description"))
    roles = StringField(_l("Membership roles (slugs, separated by commas)"))


class SpecialismForm(FlaskForm):
    slug = StringField(_l("Short name (slug)"))
    label_en = StringField(_l("Label in English"))
    label_fr = StringField(_l("Label in French"))
    label_ar = StringField(_l("Label in Arabic"))
