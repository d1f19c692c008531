"""The example site's pages: one template each, all extending base.html."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pageviews.collect.http import pixel_response

PAGES = {
    "home": "Home",
    "about": "About us",
    "blog": "Blog",
    "contact": "Contact",
}


def page(request: HttpRequest, name: str) -> HttpResponse:
    return render(request, f"site_pages/{name}.html", {"page_title": PAGES[name], "pages": PAGES})


def baseline_pixel(request: HttpRequest) -> HttpResponse:
    """The ingest benchmark's baseline: the collector's GIF and headers, and nothing else."""
    return pixel_response(request)
