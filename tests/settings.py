"""Settings of the test suite: SQLite in memory as ``default``, a throw-away Cassandra keyspace."""

import os
from pathlib import Path

from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, ExecutionProfile

BASE = Path(__file__).resolve().parent

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "127.0.0.2", "localhost"]  # 127.0.0.2: the browser tests' other site
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django_cassandra_engine",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "pageviews",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

#: One keyspace per test run, created by tests/conftest.py and dropped afterwards.
TEST_KEYSPACE = f"test_pageviews_{os.getpid()}"

#: The cluster test (make cluster-test) runs the suite's cluster tests with replication factor 3 and QUORUM.
REPLICATION_FACTOR = int(os.environ.get("PAGEVIEWS_TEST_REPLICATION_FACTOR", "1"))
CONSISTENCY = ConsistencyLevel.name_to_value[os.environ.get("PAGEVIEWS_TEST_CONSISTENCY", "ONE")]
REPLICATION: dict[str, object] = (
    {"strategy_class": "SimpleStrategy", "replication_factor": 1}
    if REPLICATION_FACTOR == 1
    else {"strategy_class": "NetworkTopologyStrategy", "datacenter1": REPLICATION_FACTOR}
)

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
    "cassandra": {
        "ENGINE": "django_cassandra_engine",
        "NAME": TEST_KEYSPACE,
        "HOST": os.environ.get("PAGEVIEWS_CASSANDRA_HOSTS") or "127.0.0.1",
        "OPTIONS": {
            "replication": REPLICATION,
            "connection": {
                "lazy_connect": True,
                # The consistency level through an execution profile: the legacy "consistency" key
                # makes the driver warn (DeprecationWarning) on the first query.
                "execution_profiles": {EXEC_PROFILE_DEFAULT: ExecutionProfile(consistency_level=CONSISTENCY)},
            },
        },
    },
}

CORS_ALLOW_CREDENTIALS = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

STATIC_URL = "/static/"
