"""Where outgoing webhooks may connect: public addresses only, over HTTPS by default.

A region admin types the endpoint's URL; without this, `http://127.0.0.1:5432/`,
`http://169.254.169.254/` (cloud metadata) or an internal agency server would receive requests
from inside the installation (server-side request forgery). The rule is checked twice:
- when the endpoint is saved (`check_url`, from the model's clean), so the admin sees why;
- at every delivery, inside the connection itself (`opener`): the host is resolved and every
  address checked right before connecting, and the socket connects to the address that was
  checked, so a DNS answer that changed since (rebinding) cannot slip through. Redirects and
  proxies are not followed.

Installations that need an internal receiver list its network in WEBHOOK_ALLOWED_NETWORKS, and
WEBHOOK_ALLOW_HTTP=1 allows plain http.
"""

import http.client
import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .channels import PermanentError


class Refused(PermanentError):
    """The endpoint may not be reached from this installation; retrying cannot help."""


def _allowed_networks() -> list:
    return [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOK_ALLOWED_NETWORKS]


def check_address(address: str) -> None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _allowed_networks()):
        return
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        raise Refused(
            _(
                "Alamat %(ip)s bukan alamat publik (loopback, jaringan privat, link-local atau "
                "metadata). Webhook hanya boleh ke alamat publik, kecuali jaringannya diizinkan "
                "di WEBHOOK_ALLOWED_NETWORKS."
            )
            % {"ip": ip}
        )


def check_scheme(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise Refused(_("Webhook harus memakai https://."))
    if not parts.hostname:
        raise Refused(_("URL webhook tidak memuat nama host."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused(_("Nomor port URL webhook tidak sah.")) from None
    return parts.hostname, port


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to, each checked; refuses if any one is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise Refused(_("Nama host %(host)s tidak ditemukan.") % {"host": host}) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        check_address(address)
    return addresses


def check_url(url: str) -> None:
    """Raise Refused when an endpoint at `url` could not be delivered to (saving an endpoint)."""
    host, port = check_scheme(url)
    resolve(host, port)


def _connect(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    host, port = address
    last = None
    for ip in resolve(host, port):
        try:
            return socket.create_connection((ip, port), timeout, source_address)
        except OSError as exc:
            last = exc
    raise last or OSError(f"cannot connect to {host}")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect  # http.client sets socket.create_connection here


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    # TLS still verifies the certificate for the host name (server_hostname is self.host).
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx is then raised as an HTTPError: a redirect is not followed


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _HTTPHandler, _HTTPSHandler, _NoRedirects
    )
