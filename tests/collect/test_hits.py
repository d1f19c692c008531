"""Pure unit tests of request data -> Hit (no Django request, no Cassandra)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pageviews.collect.hits import (
    FIELD_CAPS,
    MAX_ENGAGED_MS,
    USERAGENT_CAP,
    Engagement,
    Hit,
    Identity,
    clean_ip,
    clean_language,
    clean_pixelratio,
    clean_screensize,
    clean_text,
    identity_from_cookies,
    kind_of,
    normalize_origin,
    parse_engagement,
    parse_event,
    parse_hit,
    parse_uuid,
)

APP = uuid.UUID("6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10")
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
IDENTITY = Identity(visitor=uuid.uuid4(), session=uuid.uuid4(), new_visitor=False, new_session=False)


def parse(params: dict[str, object], ip: object = "203.0.113.9", useragent: object = "UA") -> Hit | None:
    return parse_hit(params, IDENTITY, ip=ip, useragent=useragent, received_at=NOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (str(APP), APP),
        (APP.hex, APP),
        (str(APP).upper(), APP),
        ("", None),
        ("not-a-uuid", None),
        (f"{{{APP}}}", None),  # braces: uuid.UUID accepts them, we do not
        (f"urn:uuid:{APP}", None),
        (str(APP) + "0", None),
        (str(APP)[:-1], None),
        (None, None),
        (123, None),
        (["x"], None),
    ],
)
def test_parse_uuid(value: object, expected: uuid.UUID | None) -> None:
    assert parse_uuid(value) == expected


@pytest.mark.parametrize(
    ("value", "cap", "expected"),
    [
        ("hello", 10, "hello"),
        ("  padded  ", 20, "padded"),
        ("x" * 50, 10, "x" * 10),
        ("line\nbreak\ttab", 30, "line break tab"),
        ("nul\x00byte", 20, "nul byte"),
        ("lone \ud800 surrogate", 30, "lone   surrogate"),
        ("caf\ufffd", 10, "caf\ufffd"),  # a decoding replacement character is kept
        (None, 10, ""),
        (42, 10, ""),
        (["list"], 10, ""),
        ("ünïcödé ✓", 20, "ünïcödé ✓"),
        ("family 👩\u200d👧", 20, "family 👩\u200d👧"),  # the zero-width joiner is kept
        ("no\u00a0break", 20, "no\u00a0break"),
        ("para\u2029graph\u2028line", 30, "para graph line"),
    ],
)
def test_clean_text(value: object, cap: int, expected: str) -> None:
    assert clean_text(value, cap) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1920x1080", "1920x1080"),
        ("1x1", "1x1"),
        ("1920*1080", ""),
        ("wide", ""),
        ("123456x1", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_screensize(value: object, expected: str) -> None:
    assert clean_screensize(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en-GB", "en-GB"),
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("en_GB", ""),
        ("<script>", ""),
        ("x" * 40, "x" * 35),
        (None, ""),
    ],
)
def test_clean_language(value: object, expected: str) -> None:
    assert clean_language(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        ("1.5", 1.5),
        (3, 3.0),
        (1.25, 1.25),
        ("0", None),
        ("0.05", None),
        ("1e-50", None),  # would be 0.0 as Cassandra's float
        ("0.25", 0.25),
        ("-1", None),
        ("17", None),
        ("nan", None),
        ("inf", None),
        ("1e400", None),
        ("two", None),
        ("", None),
        (True, None),
        (None, None),
        ([2], None),
    ],
)
def test_clean_pixelratio(value: object, expected: float | None) -> None:
    assert clean_pixelratio(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:DB8::1", "2001:db8::1"),
        ("203.0.113.9, 10.0.0.1", "203.0.113.9"),
        ("unknown", ""),
        ("", ""),
        (None, ""),
        ("999.1.1.1", ""),
    ],
)
def test_clean_ip(value: object, expected: str) -> None:
    assert clean_ip(value) == expected


def test_identity_from_valid_cookies_keeps_both_ids() -> None:
    visitor, session = uuid.uuid4(), uuid.uuid4()
    identity = identity_from_cookies({"_utma": str(visitor), "_utmb": str(session)}, "_utma", "_utmb")
    assert identity == Identity(visitor, session, new_visitor=False, new_session=False)


@pytest.mark.parametrize("bad", ["", "garbage", "1.2.3.4", "' OR 1=1 --", "0" * 37])
def test_identity_from_malformed_cookies_is_fresh(bad: str) -> None:
    identity = identity_from_cookies({"_utma": bad, "_utmb": bad}, "_utma", "_utmb")
    assert identity.new_visitor
    assert identity.new_session
    assert identity.visitor != identity.session
    assert identity.visitor.version == 4


def test_identity_reads_the_configured_cookie_names() -> None:
    visitor = uuid.uuid4()
    identity = identity_from_cookies({"vid": str(visitor), "_utma": str(uuid.uuid4())}, "vid", "sid")
    assert identity.visitor == visitor
    assert not identity.new_visitor
    assert identity.new_session


def test_parse_hit_keeps_the_recipe_fields() -> None:
    hit = parse(
        {
            "app": str(APP),
            "path": "/blog/",
            "title": "Blog",
            "referrer": "https://search.test/?q=x",
            "platform": "Linux x86_64",
            "language": "en-GB",
            "screensize": "1920x1080",
            "pixelratio": "2",
        }
    )
    assert hit is not None
    assert (hit.app, hit.path, hit.title, hit.referrer) == (APP, "/blog/", "Blog", "https://search.test/?q=x")
    assert (hit.platform, hit.language, hit.screensize, hit.pixelratio) == ("Linux x86_64", "en-GB", "1920x1080", 2.0)
    assert (hit.ip, hit.useragent, hit.received_at) == ("203.0.113.9", "UA", NOW)
    assert (hit.visitor, hit.session) == (IDENTITY.visitor, IDENTITY.session)


@pytest.mark.parametrize("app", [None, "", "nope", "1" * 36, 7])
def test_parse_hit_without_a_valid_app_is_none(app: object) -> None:
    params: dict[str, object] = {"path": "/"} if app is None else {"app": app, "path": "/"}
    assert parse(params) is None


def test_parse_hit_caps_every_text_field() -> None:
    params: dict[str, object] = {field: "a" * (cap + 100) for field, cap in FIELD_CAPS.items()}
    params["app"] = str(APP)
    hit = parse(params, useragent="u" * 5000)
    assert hit is not None
    for field, cap in FIELD_CAPS.items():
        if field != "url":  # an event's field
            assert len(getattr(hit, field)) <= cap
    assert len(hit.path) == FIELD_CAPS["path"]
    assert len(hit.title) == FIELD_CAPS["title"]
    assert len(hit.utm_campaign) == FIELD_CAPS["utm_campaign"]
    assert len(hit.useragent) == USERAGENT_CAP


def test_server_side_fields_never_come_from_params() -> None:
    hit = parse(
        {"app": str(APP), "ip": "1.1.1.1", "useragent": "forged", "received_at": "1999", "visitor": str(uuid.uuid4())},
        ip="203.0.113.9",
        useragent="real",
    )
    assert hit is not None
    assert (hit.ip, hit.useragent, hit.received_at, hit.visitor) == ("203.0.113.9", "real", NOW, IDENTITY.visitor)


def test_missing_user_agent_is_stored_empty() -> None:
    hit = parse({"app": str(APP)}, useragent=None)
    assert hit is not None
    assert hit.useragent == ""


@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, "pageview"), ({"type": ""}, "pageview"), ({"type": "engagement"}, "engagement"), ({"type": "x"}, None)],
)
def test_kind_of(params: dict[str, object], expected: str | None) -> None:
    assert kind_of(params) == expected


def test_parse_engagement() -> None:
    pv = uuid.uuid4()
    engagement = parse_engagement({"app": str(APP), "pv": str(pv), "engaged": "1500.7"}, received_at=NOW)
    assert engagement == Engagement(app=APP, pv=pv, engaged_ms=1500, received_at=NOW)


@pytest.mark.parametrize("engaged", ["-1", "nan", "inf", str(MAX_ENGAGED_MS + 1), "", None, True, "ten"])
def test_parse_engagement_rejects_bad_times(engaged: object) -> None:
    assert parse_engagement({"app": str(APP), "pv": str(uuid.uuid4()), "engaged": engaged}, received_at=NOW) is None


def test_parse_event() -> None:
    event = parse_event(
        {"app": str(APP), "name": "download", "url": "https://s.test/a.pdf", "path": "/docs"}, IDENTITY, received_at=NOW
    )
    assert event is not None
    assert (event.name, event.url, event.path, event.pv, event.visitor) == (
        "download",
        "https://s.test/a.pdf",
        "/docs",
        None,
        IDENTITY.visitor,
    )


@pytest.mark.parametrize(
    "params",
    [{"name": "purchase", "url": "https://x.test/"}, {"name": "outbound"}, {"name": "outbound", "url": "   "}],
)
def test_parse_event_rejects_unknown_names_and_missing_urls(params: dict[str, object]) -> None:
    assert parse_event({"app": str(APP), **params}, IDENTITY, received_at=NOW) is None


def test_parse_hit_without_identity_stores_none() -> None:
    hit = parse_hit({"app": str(APP)}, None, ip="", useragent="", received_at=NOW)
    assert hit is not None
    assert (hit.visitor, hit.session) == (None, None)
    assert hit.pv.version == 4


def test_parse_hit_keeps_a_valid_pageview_key() -> None:
    pv = uuid.uuid4()
    hit = parse({"app": str(APP), "pv": str(pv)})
    assert hit is not None
    assert hit.pv == pv


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Blog.Example.org/post/1?x=1", "https://blog.example.org"),
        ("https://user:pw@blog.example.org:443/", "https://blog.example.org"),
        ("http://127.0.0.1:8000/page", "http://127.0.0.1:8000"),
        ("http://[2001:db8::1]:80/", "http://[2001:db8::1]"),
        ("HTTP://x.test", "http://x.test"),
        ("ftp://x.test/", None),
        ("javascript:alert(1)", None),
        ("", None),
        ("https://x.test:99999/", None),
        ("null", None),
    ],
)
def test_normalize_origin(url: str, expected: str | None) -> None:
    assert normalize_origin(url) == expected
