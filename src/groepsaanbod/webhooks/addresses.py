"""Which URLs a webhook may be sent to. Pure (the worker resolves names; see services/delivery.py).

Against server-side request forgery: outside development only https to public addresses. A name
that resolves to a private address is refused again at delivery time, where the address is known.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from groepsaanbod.i18n.text import N_

MAX_URL_LENGTH = 500

URL_MISSING = N_("Give the address (URL) the events are sent to.")
URL_TOO_LONG = N_("The address is too long: at most %(max)s characters.")
URL_NOT_HTTPS = N_("The address must start with https://.")
URL_NOT_VALID = N_("This is not a web address. Give one like https://example.org/webhooks.")
URL_PRIVATE = N_(
    "This address is in a private or local network. Give an address that can be reached from the internet."
)

_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")


def is_private(address: str) -> bool:
    """Loopback, private, link-local, reserved or otherwise not a public internet address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def url_problem(url: str, *, allow_private: bool) -> tuple[str, dict[str, object]] | None:
    """What is wrong with `url` (a message id and its values), or None. `allow_private`:
    development or GROEPSAANBOD_WEBHOOKS_ALLOW_PRIVATE, where http and loopback receivers are fine."""
    if not url.strip():
        return URL_MISSING, {}
    if len(url) > MAX_URL_LENGTH:
        return URL_TOO_LONG, {"max": MAX_URL_LENGTH}
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return URL_NOT_VALID, {}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return URL_NOT_VALID, {}
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("https", "http"):
        return (URL_NOT_HTTPS, {}) if scheme else (URL_NOT_VALID, {})
    if not host or parts.username is not None or parts.password is not None or port == 0:
        return URL_NOT_VALID, {}
    if scheme == "http" and not allow_private:
        return URL_NOT_HTTPS, {}
    if allow_private:
        return None
    try:
        if is_private(host):
            return URL_PRIVATE, {}
    except ValueError:  # a name, not an address
        if host == "localhost" or host.endswith(_LOCAL_NAMES) or "." not in host:
            return URL_PRIVATE, {}
    return None
