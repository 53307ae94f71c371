"""The browser tests' server: the application as `wsgi.py` makes it, with its instance folder
(where uploaded lists are kept) in the test's temporary folder rather than the developer's."""

import os

from directory import create_app

app = create_app()
app.instance_path = os.environ["COUNTERPART_BROWSER_INSTANCE"]
# create_app made the default instance folder, not this one: the background jobs keep their
# lock file (and the uploads wait) here.
os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
