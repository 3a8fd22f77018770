"""Which network addresses a fetch may connect to: public ones, plus what `fetch_allow` lists."""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

CLOUD_METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)


def parse_address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    inner = embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    return not (
        address in CLOUD_METADATA
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses pass; others only when their host name or network is allowed.

    A cloud metadata address passes only when it is listed itself, not through a wider network.
    """

    hosts: frozenset[str]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def from_allow_list(cls, entries: list[str]) -> AddressPolicy:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: IPAddress) -> bool:
        if host.lower().rstrip(".") in self.hosts:
            return True
        candidates = [address]
        inner = embedded_ipv4(address)
        if inner is not None:
            candidates.append(inner)
        for candidate in candidates:
            for network in self.networks:
                if candidate in network and (
                    candidate not in CLOUD_METADATA or network.num_addresses == 1
                ):
                    return True
        return is_public(address)


class AddressRefused(Exception):
    """The host resolves to an address the policy does not allow."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host


def resolve(host: str, port: int, timeout_s: float) -> list[str]:
    """The addresses `host` resolves to, in the resolver's order; OSError if it does not
    resolve, TimeoutError if the lookup takes over `timeout_s` (getaddrinfo has no timeout of
    its own, so it runs on a thread that is left behind)."""
    found: list[str] = []
    failed: list[BaseException] = []

    def look_up() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.extend(dict.fromkeys(str(info[4][0]) for info in infos))
        except (OSError, UnicodeError) as error:
            failed.append(error)

    lookup = threading.Thread(target=look_up, name="lingosum-dns", daemon=True)
    lookup.start()
    lookup.join(timeout_s)
    if lookup.is_alive():
        raise TimeoutError(f"looking up {host} took longer than {timeout_s:g} s")
    if failed or not found:
        raise OSError(f"cannot resolve {host}")
    return found


def allowed_addresses(host: str, port: int, policy: AddressPolicy, timeout_s: float) -> list[str]:
    """`host`'s addresses, looked up once: connect to these, so that what was checked is what
    is reached. AddressRefused if any of them is not allowed; OSError if none is found."""
    addresses = resolve(host, port, timeout_s)
    for text in addresses:
        address = parse_address(text)
        if address is None or not policy.allows(host, address):
            raise AddressRefused(host)
    return addresses
