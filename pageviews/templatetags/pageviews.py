"""``{% load pageviews %}{% pageview_snippet [app_id] %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from ..collect.hits import clean_ip, parse_uuid
from ..collect.snippet import SnippetOptions, render_comment, render_snippet
from ..conf import conf

register = template.Library()


@register.simple_tag(takes_context=True)
def pageview_snippet(
    context: template.Context,
    app_id: str | None = None,
    *,
    spa: bool | None = None,
    hash: bool | None = None,
    engagement: bool | None = None,
    outbound: bool | None = None,
    downloads: bool | None = None,
    nonce: object = None,
) -> SafeString:
    """Render the tracking script, or an HTML comment saying why not.

    The keyword options override the ``PAGEVIEWS_TRACK_*`` settings; ``nonce`` overrides the CSP nonce
    found in the context (``csp_nonce``: Django 6's and django-csp's) or on the request.
    """
    request: HttpRequest | None = context.get("request")
    app = str(app_id) if app_id else conf.APP_ID
    if not app:
        return render_comment("no app id: pass one or set PAGEVIEWS_APP_ID")
    if parse_uuid(app) is None:
        return render_comment(f"app id {app!r} is not a UUID")
    reason = _reason_not_to_track(request)
    if reason:
        return render_comment(reason)
    endpoint = _endpoint(request)
    if endpoint is None:
        return render_comment("no endpoint: set PAGEVIEWS_ENDPOINT_URL or render with a request")
    options = SnippetOptions(
        spa=conf.TRACK_SPA if spa is None else bool(spa),
        hash=conf.TRACK_HASH if hash is None else bool(hash),
        engagement=conf.TRACK_ENGAGEMENT if engagement is None else bool(engagement),
        outbound=conf.TRACK_OUTBOUND if outbound is None else bool(outbound),
        downloads=conf.DOWNLOAD_EXTENSIONS if (conf.TRACK_DOWNLOADS if downloads is None else downloads) else (),
        names=conf.PARAM_NAMES,
    )
    return render_snippet(
        endpoint=endpoint,
        app_id=app,
        path=request.path if request is not None else "",
        nonce=_nonce(context, request, nonce),
        options=options,
    )


def _reason_not_to_track(request: HttpRequest | None) -> str | None:
    if request is not None and _client_ip(request) in settings.INTERNAL_IPS:
        return "not tracked: internal IP"
    dotted = conf.SHOULD_TRACK_CALLBACK
    if not dotted:
        return None
    try:
        callback = import_string(dotted)
        track = bool(callback(request))
    except Exception as exc:  # a broken callback must not break the page
        return f"PAGEVIEWS_SHOULD_TRACK_CALLBACK failed: {type(exc).__name__}"
    return None if track else "not tracked: PAGEVIEWS_SHOULD_TRACK_CALLBACK said no"


def _client_ip(request: HttpRequest) -> str:
    header = conf.IP_HEADER
    return clean_ip(request.META.get(header) if header else None) or clean_ip(request.META.get("REMOTE_ADDR"))


def _endpoint(request: HttpRequest | None) -> str | None:
    if conf.ENDPOINT_URL:
        return conf.ENDPOINT_URL
    if request is None:
        return None
    try:
        return request.build_absolute_uri(reverse("pageviews:collect"))
    except (NoReverseMatch, DisallowedHost):
        return None


def _nonce(context: template.Context, request: HttpRequest | None, explicit: object = None) -> str | None:
    """The CSP nonce to put on the script: the argument, the context's ``csp_nonce``, else the request's.

    Django 6's and django-csp's nonces are lazy objects that are *false until
    used* (so that the header names a nonce only when a page uses one): they
    are turned into text here, never tested for truth, or the script would go
    out without its nonce and the browser would block it.
    """
    candidates: tuple[Any, ...] = (explicit, context.get("csp_nonce"), getattr(request, "csp_nonce", None))
    for candidate in candidates:
        if candidate is not None:
            text = str(candidate)
            if text:
                return text
    return None
