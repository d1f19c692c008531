"""django-pageviews: self-hosted web analytics for Django, stored in Apache Cassandra."""

__version__ = "0.1.0.dev0"
