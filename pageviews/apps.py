"""App configuration: registers the system checks and the CORS signal receiver."""

from django.apps import AppConfig


class PageviewsConfig(AppConfig):
    name = "pageviews"
    verbose_name = "Pageviews"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        from . import checks  # noqa: F401  (registers the checks)
        from .collect.cors import allow_registered_origins

        check_request_enabled.connect(allow_registered_origins, dispatch_uid="pageviews.cors")
