"""Flask extensions, created unbound here and bound to the app in `create_app`."""

from flask_babel import Babel, get_locale
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations can alter constraints on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# Execution options for a transaction that only reads and must not hold others up:
# `db.session.connection(execution_options=READ_ONLY)` before its first statement. On SQLite
# it begins DEFERRED instead of IMMEDIATE (see create_app); PostgreSQL ignores it.
READ_ONLY = {"sqlite_deferred": True}
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def current_locale() -> str:
    """The language the current request speaks (en, fr or ar); English for the command line
    and background work, which have no request."""
    return str(get_locale() or "en")
