"""Pure privacy rules: IP anonymisation, DNT/GPC signals and cookieless ids."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

#: Leading bits kept by anonymisation: IPv4 drops the last octet, IPv6 the last 80 bits.
KEEP_BITS = {4: 24, 6: 48}
_MASKS = {4: ~((1 << (32 - KEEP_BITS[4])) - 1), 6: ~((1 << (128 - KEEP_BITS[6])) - 1)}


def anonymize_ip(ip: str) -> str:
    """``ip`` with its host part zeroed (``203.0.113.0``, ``2001:db8:1::``); '' if invalid."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(type(address)(int(address) & _MASKS[address.version]))


def stored_ip(ip: str, mode: str) -> str:
    """The IP to store under ``PAGEVIEWS_IP_MODE``: anonymised, full, or none at all."""
    if mode == "full":
        return ip
    if mode == "none":
        return ""
    return anonymize_ip(ip)


def opted_out(headers: Mapping[str, str]) -> bool:
    """True when the browser sends Do-Not-Track (``DNT: 1``) or Global Privacy Control (``Sec-GPC: 1``)."""
    return headers.get("DNT", "").strip() == "1" or headers.get("Sec-GPC", "").strip() == "1"


def cookieless_id(salt: bytes, app: uuid.UUID, ip: str, useragent: str) -> uuid.UUID:
    """A visitor id without cookies: HMAC-SHA256 of (app, IP, user agent) keyed with a daily salt.

    The same visitor gets the same id for the salt's day only; once the salt
    is deleted the id cannot be recomputed from an IP and user agent.
    """
    digest = hmac.new(salt, b"\0".join((app.bytes, ip.encode(), useragent.encode())), hashlib.sha256).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def near_midnight(moment: datetime, window_seconds: int) -> bool:
    """True in the last ``window_seconds`` of ``moment``'s UTC day (a visit may cross into the next)."""
    next_midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), moment.tzinfo)
    return (next_midnight - moment).total_seconds() <= window_seconds
