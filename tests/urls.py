from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


def other_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("not the collector")


def browser_page(request: HttpRequest, name: str) -> HttpResponse:
    """The page of tests/browser/: the snippet for the app id ``?app=``, titled ``?title=``; ``?spa=1``: SPA mode."""
    context = {
        "app_id": request.GET.get("app", ""),
        "title": request.GET.get("title", "Browser test page"),
        "spa": request.GET.get("spa") == "1",
    }
    return render(request, "browser/page.html", context)


urlpatterns = [
    path("pageviews/", include("pageviews.urls")),
    path("other/", other_view),
    path("browser/<slug:name>/", browser_page),
]
