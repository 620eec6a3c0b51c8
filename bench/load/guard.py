"""The load test only ever points at this machine."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    """Every address the host name (or URL) resolves to is a loopback address."""
    name = urlsplit(host).hostname if "//" in host else host
    if not name:
        return False
    try:
        infos = socket.getaddrinfo(name, None)
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)
