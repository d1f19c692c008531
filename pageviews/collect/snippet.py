"""Pure rendering of the tracking snippet (no request, no settings)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from urllib.parse import urlencode

import rjsmin
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@cache
def minified_script() -> str:
    """The snippet's JavaScript function, minified once per process."""
    source = files("pageviews.collect").joinpath("snippet.js").read_text(encoding="utf-8")
    minified: str = rjsmin.jsmin(source)
    return minified.strip()


def js_literal(value: str) -> str:
    """``value`` as a JavaScript string literal safe inside ``<script>``."""
    return json.dumps(value).translate(_SCRIPT_ESCAPES)


@dataclass(frozen=True)
class SnippetOptions:
    """What the script records besides the pageview on load."""

    spa: bool = False
    hash: bool = False
    engagement: bool = True
    outbound: bool = False
    downloads: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)

    def as_json(self) -> str:
        """The options object passed to the script (escaped for ``<script>``)."""
        data = {
            "spa": self.spa,
            "hash": self.hash,
            "engagement": self.engagement,
            "outbound": self.outbound,
            "downloads": list(self.downloads) or False,
            "names": dict(self.names),
        }
        return json.dumps(data, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def render_snippet(
    *, endpoint: str, app_id: str, path: str, nonce: str | None = None, options: SnippetOptions | None = None
) -> SafeString:
    """The ``<script>`` that reports pageviews, plus a ``<noscript>`` pixel."""
    options = options or SnippetOptions()
    call = mark_safe(  # noqa: S308 - each value is JSON-encoded and escaped for <script>
        f"{minified_script()}({js_literal(endpoint)},{js_literal(app_id)},{options.as_json()});"
    )
    names = options.names
    query = urlencode({names.get("app", "app"): app_id, names.get("path", "path"): path})
    pixel = endpoint + ("&" if "?" in endpoint else "?") + query
    if nonce:
        script = format_html('<script nonce="{}">{}</script>', nonce, call)
    else:
        script = format_html("<script>{}</script>", call)
    noscript = format_html(
        '<noscript><img src="{}" alt="" width="1" height="1" style="position:absolute;left:-9999px"></noscript>',
        pixel,
    )
    return script + noscript


def render_comment(reason: str) -> SafeString:
    """What the tag renders instead of the script: an HTML comment."""
    return format_html("<!-- pageviews: {} -->", reason.replace("--", "- -"))
