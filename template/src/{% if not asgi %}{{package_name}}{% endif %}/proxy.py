"""X-Forwarded-For and X-Forwarded-Proto, believed only from the proxies in FORWARDED_ALLOW_IPS.

Werkzeug's ProxyFix believes those headers from anyone; a client that reaches the app directly
could forge its address or scheme with them. `TrustedProxies` applies ProxyFix (one proxy hop)
only to requests whose peer address is a listed proxy.
"""

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class TrustedProxies:
    def __init__(self, app: "WSGIApplication", trusted: Iterable[str]) -> None:
        trusted = list(trusted)
        self.app = app
        self.fixed = ProxyFix(app, x_for=1, x_proto=1)
        self.trust_all = "*" in trusted
        # A bad address stops the app at start-up, with the value in the error.
        self.networks = [
            ipaddress.ip_network(entry, strict=False) for entry in trusted if entry != "*"
        ]

    def __call__(
        self, environ: "WSGIEnvironment", start_response: "StartResponse"
    ) -> Iterable[bytes]:
        if self.trusts(environ.get("REMOTE_ADDR", "")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)

    def trusts(self, address: str) -> bool:
        if self.trust_all:
            return True
        try:
            peer = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(peer in network for network in self.networks)
