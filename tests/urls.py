from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def other_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("not the collector")


urlpatterns = [
    path("pageviews/", include("pageviews.urls")),
    path("other/", other_view),
]
