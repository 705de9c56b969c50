"""The one ``is_loopback`` of the package (session: plain http allowed; sandbox: a public bind)."""

from __future__ import annotations

import pytest

from wallaroo_widgets import session
from wallaroo_widgets.netutil import is_loopback
from wallaroo_widgets.sandbox import config


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "localhost.", " localhost ", "127.0.0.1", "127.8.9.10",
                                  "::1", "[::1]"])
def test_loopback_hosts(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["", "0.0.0.0", "::", "[::]", "10.1.2.3", "example.com", "app.localhost",
                                  "localhost.example.com", "127.0.0.1.nip.io", "::ffff:10.0.0.1"])
def test_other_hosts(host):
    assert not is_loopback(host)


def test_client_and_sandbox_share_it():
    assert session.is_loopback is is_loopback and config.is_loopback is is_loopback
