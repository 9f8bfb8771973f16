"""Where a webhook may post: public addresses only, checked when it is registered and again at every delivery.

A portal's URL is input from outside, and the server posts to it: without a check it would post to
itself (`http://127.0.0.1:…`, `http://localhost`, `http://[::1]`, `http://2130706433/`), to the
cloud's metadata service (`169.254.169.254`) or to the private network, and the delivery log
("receiver answered 401" against "connection refused") would map that network for the caller.

The name is resolved at each delivery, because DNS can change after registration, and the post goes
to an address that was checked (the URL's host is replaced by it, with the name kept in the Host
header and as the TLS server name, against which the certificate is still verified), so a DNS answer
that changes between the check and the connection cannot redirect it. Redirects are never followed.

A refusal names its category only ("loopback address"), never the address a name resolved to: the
answer and the delivery log would otherwise read the inside network's DNS out to whoever registered it.
"""

import ipaddress
import socket
from dataclasses import dataclass

import httpx

from matching.messages import MESSAGES
from policies.i18n import N_

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: not public, and not flagged `is_private`
PROTOCOL = ipaddress.ip_network("192.0.0.0/24")  # IETF protocol assignments: Python flags only parts of it


# What resolving a name can raise besides an answer: gaierror (an OSError), or UnicodeError for a label
# IDNA cannot encode (longer than 63 characters).
UNRESOLVED = (OSError, UnicodeError)


class RefusedTarget(ValueError):
    """A webhook URL the service will not post to, with the reason in words."""


def refusal(address: Address) -> str | None:
    """Why an address is not a public one, in a category without the address, or None when it is.

    IPv6 forms that carry an IPv4 address are judged by the address they carry: an IPv4-mapped one is that
    address, and a 6to4 one (2002::/16) is routed to it."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if isinstance(address, ipaddress.IPv6Address) and address.sixtofour is not None:
        inner = refusal(address.sixtofour)
        if inner is not None:
            return inner
    for reason, applies in ((N_("loopback address"), address.is_loopback), (N_("private address"), address.is_private),
                            (N_("link-local address"), address.is_link_local),
                            (N_("multicast address"), address.is_multicast),
                            (N_("reserved address"), address.is_reserved),
                            (N_("unspecified address"), address.is_unspecified),
                            (N_("shared (carrier-grade NAT) address"), address in SHARED),
                            (N_("reserved address"), address in PROTOCOL)):
        if applies:
            return reason
    return None


@dataclass(frozen=True)
class Target:
    """A URL and the addresses its host resolved to, each checked."""

    url: httpx.URL
    addresses: list[Address]

    def pinned(self) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
        """The URL with the first checked address for its host, and the Host header and TLS name to send.

        Both are the host as it goes on the wire (IDNA, an IPv6 literal in brackets in Host): `url.host` is
        the Unicode form, which a header cannot carry."""
        return (self.url.copy_with(host=str(self.addresses[0])), {"Host": self.url.netloc.decode("ascii")},
                {"sni_hostname": self.url.raw_host.decode("ascii")})


def _shape(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise RefusedTarget(MESSAGES.say("en", "not a URL: {problem}", problem=exc)) from None
    if parsed.scheme not in ("http", "https"):
        raise RefusedTarget(N_("only http and https URLs receive webhooks"))
    if parsed.userinfo:
        raise RefusedTarget(N_("a webhook URL may not carry a user name or password"))
    if not parsed.host:
        raise RefusedTarget(N_("the URL has no host"))
    return parsed


def _addresses(parsed: httpx.URL) -> list[Address]:
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    # getaddrinfo also reads the odd spellings of an IPv4 address (2130706433, 0x7f.1, 0177.0.0.1) as the C
    # library will when connecting: checking the text of the host would miss them.
    found = socket.getaddrinfo(parsed.raw_host.decode("ascii"), port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(entry[4][0]) for entry in found))


def _checked(parsed: httpx.URL, addresses: list[Address], allow_private: bool) -> Target:
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                raise RefusedTarget(MESSAGES.say("en", "{reason}: webhooks go to public addresses only", reason=reason))
    return Target(url=parsed, addresses=addresses)


def check_registration(url: str, *, allow_private: bool) -> None:
    """Refuse a URL that is malformed or reaches a non-public address now; a name that does not resolve yet
    is accepted (it is resolved and checked again at every delivery)."""
    parsed = _shape(url)
    try:
        addresses = _addresses(parsed)
    except UNRESOLVED:
        return
    _checked(parsed, addresses, allow_private)


def resolve(url: str, *, allow_private: bool) -> Target:
    """The URL's checked addresses, at delivery. Raises RefusedTarget, or one of UNRESOLVED when the name does
    not resolve."""
    parsed = _shape(url)
    return _checked(parsed, _addresses(parsed), allow_private)
