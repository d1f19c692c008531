"""Pure privacy rules: anonymisation, DNT/GPC, cookieless ids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pageviews.collect.privacy import anonymize_ip, cookieless_id, near_midnight, opted_out, stored_ip

APP = uuid.UUID("6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10")


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        ("203.0.113.77", "203.0.113.0"),
        ("10.1.2.3", "10.1.2.0"),
        ("2001:db8:1234:5678:9abc:def0:1234:5678", "2001:db8:1234::"),
        ("::1", "::"),
        ("::ffff:203.0.113.9", "203.0.113.0"),
        ("", ""),
        ("nonsense", ""),
    ],
)
def test_anonymize_ip(ip: str, expected: str) -> None:
    assert anonymize_ip(ip) == expected


@pytest.mark.parametrize(("mode", "expected"), [("anonymize", "203.0.113.0"), ("full", "203.0.113.77"), ("none", "")])
def test_stored_ip_modes(mode: str, expected: str) -> None:
    assert stored_ip("203.0.113.77", mode) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, False),
        ({"DNT": "1"}, True),
        ({"DNT": "0"}, False),
        ({"Sec-GPC": "1"}, True),
        ({"Sec-GPC": " 1 "}, True),
        ({"Sec-GPC": "0", "DNT": "0"}, False),
    ],
)
def test_opted_out(headers: dict[str, str], expected: bool) -> None:
    assert opted_out(headers) is expected


def test_cookieless_id_is_stable_for_a_salt_and_changes_with_it() -> None:
    first = cookieless_id(b"salt-1", APP, "203.0.113.7", "UA")
    assert cookieless_id(b"salt-1", APP, "203.0.113.7", "UA") == first
    assert cookieless_id(b"salt-2", APP, "203.0.113.7", "UA") != first
    assert cookieless_id(b"salt-1", APP, "203.0.113.8", "UA") != first
    assert cookieless_id(b"salt-1", APP, "203.0.113.7", "UA2") != first
    assert cookieless_id(b"salt-1", uuid.uuid4(), "203.0.113.7", "UA") != first
    assert first.version == 4


def test_cookieless_id_fields_cannot_run_together() -> None:
    """("1.2.3.4", "5UA") and ("1.2.3.45", "UA") must not hash alike."""
    assert cookieless_id(b"s", APP, "1.2.3.4", "5UA") != cookieless_id(b"s", APP, "1.2.3.45", "UA")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 29, 23, 31, tzinfo=UTC), True),
        (datetime(2026, 11, 29, 23, 30, tzinfo=UTC), True),
        (datetime(2026, 11, 29, 23, 29, 59, tzinfo=UTC), False),
        (datetime(2026, 11, 29, 0, 5, tzinfo=UTC), False),
    ],
)
def test_near_midnight(moment: datetime, expected: bool) -> None:
    assert near_midnight(moment, 1800) is expected
