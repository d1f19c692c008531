"""URLs of django-pageviews; include under any prefix (the example uses ``/pageviews/``)."""

from django.urls import path

from .collect import health, view
from .conf import conf
from .reports import api, dashboard

app_name = "pageviews"

urlpatterns = [
    path(conf.COLLECT_PATH, view.collect_view, name="collect"),
    path("dashboard/", dashboard.index, name="dashboard"),
    path("dashboard/<str:app_id>/", dashboard.app_page, name="dashboard-app"),
    path("api/apps/<str:app_id>/stats/", api.stats, name="api-stats"),
    path("health/", health.health_view, name="health"),
]
