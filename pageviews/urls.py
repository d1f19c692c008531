"""URLs of django-pageviews; include under any prefix (the example uses ``/pageviews/``)."""

from django.urls import path

from . import views
from .conf import conf

app_name = "pageviews"

urlpatterns = [
    path(conf.COLLECT_PATH, views.collect_view, name="collect"),
]
