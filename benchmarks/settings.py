"""Settings for the benchmarks: the test settings with a keyspace of their own."""

import os

from tests.settings import *  # noqa: F403

DATABASES = {
    **DATABASES,  # noqa: F405
    "cassandra": {
        **DATABASES["cassandra"],  # noqa: F405
        "NAME": os.environ.get("PAGEVIEWS_BENCH_KEYSPACE", "bench_pageviews"),
    },
}
