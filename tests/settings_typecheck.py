"""Settings for mypy's django-stubs plugin: the test settings without a Cassandra connection.

django-stubs runs ``django.setup()``; django_cassandra_engine connects to its
cluster while loading apps, which a type check must not need.
"""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "django_cassandra_engine"]  # noqa: F405
DATABASES = {"default": DATABASES["default"]}  # noqa: F405
