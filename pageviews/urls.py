"""URLs of django-pageviews; include under any prefix (the example uses ``/pageviews/``)."""

from django.urls import path

from . import api, dashboard, health, views
from .conf import conf

app_name = "pageviews"

urlpatterns = [
    path(conf.COLLECT_PATH, views.collect_view, name="collect"),
    path("dashboard/", dashboard.index, name="dashboard"),
    path("dashboard/<str:app_id>/", dashboard.app_page, name="dashboard-app"),
    path("api/apps/<str:app_id>/stats/", api.stats, name="api-stats"),
    path("health/", health.health_view, name="health"),
]
