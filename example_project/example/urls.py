"""URLs of the example site: a few pages, and django-pageviews under /pageviews/."""

from django.contrib import admin
from django.urls import include, path
from site_pages import views

urlpatterns = [
    path("", views.page, {"name": "home"}, name="home"),
    path("about/", views.page, {"name": "about"}, name="about"),
    path("blog/", views.page, {"name": "blog"}, name="blog"),
    path("contact/", views.page, {"name": "contact"}, name="contact"),
    path("pageviews/", include("pageviews.urls")),
    path("bench/baseline/", views.baseline_pixel),  # the ingest benchmark's no-op baseline
    path("admin/", admin.site.urls),
]
