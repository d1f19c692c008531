"""Settings of the example site: SQLite as ``default``, Cassandra as ``cassandra``."""

import os
from pathlib import Path

from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, ExecutionProfile
from cassandra.policies import ConstantReconnectionPolicy

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django_cassandra_engine",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "pageviews",
    "site_pages",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example.urls"
WSGI_APPLICATION = "example.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Contact points: PAGEVIEWS_CASSANDRA_HOSTS (comma-separated) for your own
# cluster, else the local node that `make cassandra` starts.
CASSANDRA_HOSTS = os.environ.get("PAGEVIEWS_CASSANDRA_HOSTS") or "127.0.0.1"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    },
    "cassandra": {
        "ENGINE": "django_cassandra_engine",
        "NAME": os.environ.get("PAGEVIEWS_KEYSPACE", "pageviews_example"),
        "HOST": CASSANDRA_HOSTS,
        "OPTIONS": {
            # Development: one copy. Production: NetworkTopologyStrategy (see docs).
            "replication": {"strategy_class": "SimpleStrategy", "replication_factor": 1},
            # lazy_connect: the site starts even when Cassandra is down (pageviews.W001).
            # The default execution profile sets the consistency level: ONE for one node,
            # LOCAL_QUORUM on a cluster (see docs/cluster.md).
            "connection": {
                "lazy_connect": True,
                "retry_connect": True,
                "execution_profiles": {EXEC_PROFILE_DEFAULT: ExecutionProfile(consistency_level=ConsistencyLevel.ONE)},
                "port": int(os.environ.get("PAGEVIEWS_CASSANDRA_PORT", "9042")),
                # Back within a second or two after Cassandra restarts (the default backs off to 10 minutes).
                "reconnection_policy": ConstantReconnectionPolicy(delay=1.0, max_attempts=None),
            },
        },
    },
}

AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
# The pageviews dashboard (/pageviews/dashboard/) is for staff: sign in through the admin.
LOGIN_URL = "/admin/login/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The example's site is registered by `manage.py setup_demo` under this id.
PAGEVIEWS_APP_ID = os.environ.get("PAGEVIEWS_APP_ID", "6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10")
# Cookies of the cross-site beacon (fetch with credentials) need this.
CORS_ALLOW_CREDENTIALS = True

# Failed writes wait here for replay (use durable storage in production).
PAGEVIEWS_SPOOL_DIR = os.environ.get("PAGEVIEWS_SPOOL_DIR", str(BASE_DIR / "spool"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"pageviews": {"handlers": ["console"], "level": "INFO"}},
}
