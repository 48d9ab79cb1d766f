"""The WSGI entry point for gunicorn (`gunicorn hoanghop.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoanghop.settings")
application = get_wsgi_application()
