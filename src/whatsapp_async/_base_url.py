"""The API's base URL: where requests go, and which ones are refused as unsafe."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from .errors import ConfigurationError

__all__ = ["DEFAULT_API_VERSION", "DEFAULT_HOST", "is_loopback_host", "resolve_base_url"]

DEFAULT_HOST = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"
_API_VERSION = re.compile(r"v\d+\.\d+")


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (localhost, 127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_base_url(base_url: str | None, api_version: str | None) -> str:
    """Work out the full base URL (with version) and refuse unsafe ones.

    Raises:
        ConfigurationError: A malformed URL or version, plain ``http://`` to
            a host that is not loopback, or a Meta Graph host without the
            version at the end of the path.
    """
    if api_version is not None and not _API_VERSION.fullmatch(api_version):
        raise ConfigurationError(f"api_version must look like 'v22.0', got {api_version!r}")
    if base_url is None:
        return f"{DEFAULT_HOST}/{api_version or DEFAULT_API_VERSION}"
    if api_version is not None:
        raise ConfigurationError(
            "give either base_url (the full prefix, version included) or api_version, not both"
        )
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigurationError("base_url must not carry a query, fragment or credentials")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigurationError(
            f"refusing plain http:// to {parts.hostname}: the access token would travel in "
            "clear text (http is allowed only for loopback hosts)"
        )
    host = parts.hostname.lower()
    last_segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if (host == "facebook.com" or host.endswith(".facebook.com")) and not (
        _API_VERSION.fullmatch(last_segment)
    ):
        # Meta answers an unversioned path with a puzzling "(#100) Unknown path
        # components"; other hosts (the fake, Prism, a proxy) have their own layout.
        raise ConfigurationError(
            f"base_url {base_url!r} must end with the API version, e.g. "
            f"'{parts.scheme}://{parts.netloc}/{DEFAULT_API_VERSION}' (or leave base_url out "
            "and pass api_version=)"
        )
    return base_url.rstrip("/")
