"""The WSGI application for any server: `gunicorn directory.wsgi:app` from an installed
package, `gunicorn wsgi:app` from a checkout.

A setting that cannot work stops the process with one line on standard error, not a traceback;
the exit status 4 is gunicorn's "application failed to load", so its master stops instead of
starting worker after worker.
"""

import sys

from directory import create_app
from directory.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    print(f"Error: {error}", file=sys.stderr)
    sys.exit(4)
