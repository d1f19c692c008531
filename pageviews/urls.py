"""URLs of django-pageviews; include under any prefix (the example uses ``/pageviews/``)."""

from django.urls import path

from . import views

app_name = "pageviews"

urlpatterns = [
    path("collect/", views.collect_view, name="collect"),
]
