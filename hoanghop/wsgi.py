"""The WSGI entry point for gunicorn (`gunicorn hoanghop.wsgi`)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoanghop.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules and URLs) lives as long as the
# process: kept out of the garbage collector's full collections, which would otherwise walk
# it all every few requests (a 35 ms pause on the province's page, one request in six).
gc.freeze()
