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
    path("admin/", admin.site.urls),
]
