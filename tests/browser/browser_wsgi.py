"""The browser tests' server: the application as `wsgi.py` makes it, with its instance folder
(where uploaded lists are kept) in the test's temporary folder rather than the developer's."""

import os

from directory import create_app

# Before the app is made: the job queue's file is placed in it then.
os.environ["COUNTERPART_INSTANCE_PATH"] = os.environ["COUNTERPART_BROWSER_INSTANCE"]
app = create_app()
app.instance_path = os.environ["COUNTERPART_BROWSER_INSTANCE"]
