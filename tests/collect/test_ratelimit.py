"""The per-IP rate limit: the limiter on its own (clock, eviction, threads), then the endpoint against Cassandra."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from pageviews.checks import check_settings
from pageviews.collect import health, ratelimit
from pageviews.collect.http import PIXEL_GIF
from pageviews.collect.ratelimit import RateLimiter
from pageviews.models import App

URL = "/pageviews/collect/"
Stored = Callable[[uuid.UUID], list[Any]]


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_limit_per_key_and_window_reset() -> None:
    clock = FakeClock(120.0)
    limiter = RateLimiter(clock=clock)
    assert [limiter.allow("a", 2, 60) for _ in range(4)] == [True, True, False, False]
    assert limiter.allow("b", 2, 60)
    assert limiter.limited == 2
    clock.now = 179.9  # the same window
    assert not limiter.allow("a", 2, 60)
    clock.now = 180.0  # the next one: every count starts again
    assert limiter.tracked == 2
    assert limiter.allow("a", 2, 60)
    assert limiter.tracked == 1
    assert limiter.limited == 3


def test_a_changed_window_length_starts_counting_again() -> None:
    limiter = RateLimiter(clock=FakeClock(0.0))
    assert limiter.allow("a", 1, 60)
    assert not limiter.allow("a", 1, 60)
    assert limiter.allow("a", 1, 30)


def test_values_below_one_count_as_one() -> None:
    limiter = RateLimiter(clock=FakeClock())
    assert limiter.allow("a", 0, 0)
    assert not limiter.allow("a", -5, 0)


def test_memory_is_bounded_least_recently_seen_forgotten_first() -> None:
    limiter = RateLimiter(max_keys=3, clock=FakeClock())
    for key in ("a", "b", "c"):
        assert limiter.allow(key, 1, 60)
    assert not limiter.allow("a", 1, 60)  # limited, and so the most recently seen
    assert limiter.allow("d", 1, 60)  # makes room by forgetting "b"
    assert limiter.tracked == 3
    assert not limiter.allow("a", 1, 60)
    assert limiter.allow("b", 1, 60)  # forgotten: starts from zero (and forgets "c")
    assert limiter.tracked == 3
    for n in range(1000):
        limiter.allow(f"10.0.{n // 256}.{n % 256}", 1, 60)
    assert limiter.tracked == 3


def test_threads_never_let_more_than_the_limit_through() -> None:
    limiter = RateLimiter(clock=FakeClock())
    allowed: list[bool] = []
    start = threading.Barrier(8)

    def hammer() -> None:
        start.wait()
        own = threading.current_thread().name
        allowed.extend(limiter.allow(key, 100, 60) for _ in range(250) for key in ("shared", own))

    threads = [threading.Thread(target=hammer, name=f"t{n}") for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 8 * 500
    assert sum(allowed) == 100 + 8 * 100  # the shared key's 100, and each thread's own 100
    assert limiter.limited == 8 * 500 - 900
    assert limiter.tracked == 9


def test_reset_forgets_counts() -> None:
    limiter = RateLimiter(clock=FakeClock())
    limiter.allow("a", 1, 60)
    limiter.allow("a", 1, 60)
    limiter.reset()
    assert (limiter.limited, limiter.tracked) == (0, 0)
    assert limiter.allow("a", 1, 60)


def test_no_limit_by_default_and_nothing_is_tracked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "limiter", RateLimiter(clock=FakeClock()))
    assert all(ratelimit.allow("203.0.113.1") for _ in range(1000))
    assert ratelimit.stats() == {"limited": 0, "tracked_ips": 0}


@pytest.fixture
def limiter(monkeypatch: pytest.MonkeyPatch) -> RateLimiter:
    """A fresh process limiter whose clock stands still, so no window ends mid-test."""
    fresh = RateLimiter(clock=FakeClock())
    monkeypatch.setattr(ratelimit, "limiter", fresh)
    return fresh


@override_settings(PAGEVIEWS_RATE_LIMIT=3)
def test_the_fourth_hit_from_one_address_is_answered_and_not_stored(
    client: Client, app: App, stored: Stored, limiter: RateLimiter
) -> None:
    for n in range(1, 5):
        response = client.get(URL, {"app": str(app.id), "path": f"/{n}"}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/gif"
        assert response.content == PIXEL_GIF
        assert bool(response.cookies) is (n <= 3)  # a limited hit sets no cookies
    beacon = client.post(URL, {"app": str(app.id), "path": "/5"}, REMOTE_ADDR="198.51.100.7")
    assert beacon.status_code == 204
    other = client.get(URL, {"app": str(app.id), "path": "/other"}, REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 200
    assert sorted(row.path for row in stored(app.id)) == ["/1", "/2", "/3", "/other"]
    assert limiter.limited == 2
    assert health.check()["rate_limit"] == {"limited": 2, "tracked_ips": 2}


@override_settings(PAGEVIEWS_RATE_LIMIT=2, PAGEVIEWS_RATE_LIMIT_WINDOW=10)
def test_the_window_setting_and_a_new_window(client: Client, app: App, stored: Stored, limiter: RateLimiter) -> None:
    clock = limiter.clock
    assert isinstance(clock, FakeClock)
    for path in ("/a", "/b", "/c"):
        client.get(URL, {"app": str(app.id), "path": path}, REMOTE_ADDR="198.51.100.9")
    clock.now += 10
    client.get(URL, {"app": str(app.id), "path": "/d"}, REMOTE_ADDR="198.51.100.9")
    assert sorted(row.path for row in stored(app.id)) == ["/a", "/b", "/d"]
    assert limiter.limited == 1


@override_settings(PAGEVIEWS_RATE_LIMIT=1)
def test_hits_refused_earlier_do_not_count(client: Client, app: App, stored: Stored, limiter: RateLimiter) -> None:
    client.get(URL, {"app": str(uuid.uuid4()), "path": "/unknown-app"}, REMOTE_ADDR="198.51.100.10")
    client.get(URL, {"app": str(app.id), "path": "/x"}, REMOTE_ADDR="198.51.100.10", HTTP_ORIGIN="https://evil.test")
    client.get(URL, {"app": str(app.id), "path": "/kept"}, REMOTE_ADDR="198.51.100.10")
    assert [row.path for row in stored(app.id)] == ["/kept"]
    assert limiter.limited == 0


@override_settings(PAGEVIEWS_IP_HEADER="HTTP_X_REAL_IP", PAGEVIEWS_RATE_LIMIT=1)
def test_behind_a_proxy_the_ip_header_is_the_key(
    client: Client, app: App, stored: Stored, limiter: RateLimiter
) -> None:
    for n, address in enumerate(("203.0.113.1", "203.0.113.2", "203.0.113.1")):
        client.get(URL, {"app": str(app.id), "path": f"/{n}"}, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=address)
    assert sorted(row.path for row in stored(app.id)) == ["/0", "/1"]
    assert (limiter.limited, limiter.tracked) == (1, 2)


def check_ids() -> list[str]:
    return [message.id for message in check_settings() if message.id]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PAGEVIEWS_RATE_LIMIT", 0, ["pageviews.E011"]),
        ("PAGEVIEWS_RATE_LIMIT", -1, ["pageviews.E011"]),
        ("PAGEVIEWS_RATE_LIMIT_WINDOW", 0, ["pageviews.E011"]),
        ("PAGEVIEWS_RATE_LIMIT", 1, []),
        ("PAGEVIEWS_RATE_LIMIT", None, []),
        ("PAGEVIEWS_RATE_LIMIT_WINDOW", 3600, []),
        ("PAGEVIEWS_RATE_LIMIT_WINDOW", None, ["pageviews.E005"]),
        ("PAGEVIEWS_RATE_LIMIT", True, ["pageviews.E005"]),
        ("PAGEVIEWS_RATE_LIMIT", 2.5, ["pageviews.E005"]),
    ],
)
def test_e011_rate_limit_values(name: str, value: object, expected: list[str]) -> None:
    with override_settings(**{name: value}):
        assert check_ids() == expected
