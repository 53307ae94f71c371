"""The upload form. WTForms checks the shape and the CSRF token; the importer checks the file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class UploadForm(FlaskForm):
    network = SelectField(_l("Network"), choices=[],
                          validators=[DataRequired(message=_l("Choose the network."))])
    file = FileField(_l("The list (CSV or XLSX, at most 20 MB)"),
                     validators=[FileRequired(message=_l("Choose the file to import."))])
    sheet = StringField(_l("Sheet (XLSX only; the first sheet if empty)"),
                        validators=[Optional(), Length(max=200)])
    archive_missing = BooleanField(
        _l("Archive the network's entries that are not in this list"))


class ConfirmForm(FlaskForm):
    """Confirm or cancel a preview: the CSRF token only."""
