"""Which addresses the fetch guard lets through."""

from __future__ import annotations

import ipaddress

import pytest

from service.feeds.addresses import AddressPolicy, is_public

NO_EXCEPTIONS = AddressPolicy.from_allow_list([])


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",  # carrier-grade NAT
        "169.254.169.254",
        "169.254.1.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
    ],
)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    assert not NO_EXCEPTIONS.allows("example.com", ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))
    assert NO_EXCEPTIONS.allows("example.com", ipaddress.ip_address(address))


def test_an_allowed_network_opens_its_addresses_only() -> None:
    policy = AddressPolicy.from_allow_list(["10.1.0.0/16", "127.0.0.2"])
    assert policy.allows("feeds.internal", ipaddress.ip_address("10.1.2.3"))
    assert policy.allows("feeds.internal", ipaddress.ip_address("::ffff:10.1.2.3"))
    assert policy.allows("x", ipaddress.ip_address("127.0.0.2"))
    assert not policy.allows("x", ipaddress.ip_address("10.2.0.1"))
    assert not policy.allows("x", ipaddress.ip_address("127.0.0.1"))


def test_metadata_addresses_need_to_be_listed_themselves() -> None:
    metadata = ipaddress.ip_address("169.254.169.254")
    assert not AddressPolicy.from_allow_list(["169.254.0.0/16"]).allows("x", metadata)
    assert AddressPolicy.from_allow_list(["169.254.169.254"]).allows("x", metadata)


def test_an_allowed_host_name_passes_whatever_it_resolves_to() -> None:
    policy = AddressPolicy.from_allow_list(["Feeds.Internal."])
    assert policy.allows("feeds.internal", ipaddress.ip_address("10.9.9.9"))
    assert not policy.allows("other.internal", ipaddress.ip_address("10.9.9.9"))
