"""Entry point for gunicorn (`gunicorn wsgi:app`) and the `flask --app wsgi` CLI."""

import logging

from rating import create_app

# Our own loggers at INFO (security events, "mail written to …"); libraries stay at WARNING.
logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logging.getLogger("rating").setLevel(logging.INFO)

app = create_app()
