"""CLI parsing and config validation (no server started except where stated)."""

from __future__ import annotations

import pytest

from wallaroo_widgets.sandbox import cli
from wallaroo_widgets.sandbox.config import SandboxConfig, is_loopback


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.1.2.3") and not is_loopback("example.com")
    assert is_loopback("[::1]") and is_loopback("LOCALHOST") and is_loopback("127.8.9.10")
    assert not is_loopback("") and not is_loopback("::")  # both bind every interface


def test_refuses_public_host_with_default_credentials(capsys):
    assert cli.main(["--host", "0.0.0.0", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "refusing" in err and "--admin-password" in err
    with pytest.raises(ValueError, match="refusing"):
        SandboxConfig(host="0.0.0.0", admin_password="long-and-custom")   # default client secret
    SandboxConfig(host="0.0.0.0", admin_password="long-and-custom", client_secret="custom-secret")


def test_bad_settings_are_clear():
    with pytest.raises(ValueError, match="lifetimes"):
        SandboxConfig(access_token_lifetime=0)
    with pytest.raises(ValueError, match="email"):
        SandboxConfig(admin_email="admin")


def test_repr_hides_secrets():
    cfg = SandboxConfig(admin_password="pw-visible-123", client_secret="secret-visible-456")
    assert "pw-visible-123" not in repr(cfg) and "secret-visible-456" not in repr(cfg)


def test_help_lists_the_documented_flags(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for flag in ("--host", "--port", "--data-dir", "--admin-email", "--admin-password", "--client-secret",
                 "--access-token-lifetime", "--deploy-delay", "--demo", "--no-demo", "--demo-now"):
        assert flag in out


def test_import_logs_is_dispatched(capsys, tmp_path):
    code = cli.main(["import-logs", "--data-dir", str(tmp_path), "--workspace", "w", "--pipeline", "p",
                     "--model", "m", str(tmp_path / "missing.jsonl")])
    assert code != 0
    assert "missing.jsonl" in capsys.readouterr().err


def test_demo_now_is_parsed_from_the_argument_or_the_environment(monkeypatch, capsys):
    import datetime as dt

    utc = dt.timezone.utc
    monkeypatch.delenv("WALLAROO_SANDBOX_DEMO_NOW", raising=False)
    assert SandboxConfig().demo_now is None
    assert SandboxConfig(demo_now="2026-11-30T23:50:00Z").demo_now == dt.datetime(2026, 11, 30, 23, 50, tzinfo=utc)
    assert SandboxConfig(demo_now="2026-12-01T01:50:00+02:00").demo_now == dt.datetime(2026, 11, 30, 23, 50,
                                                                                        tzinfo=utc)
    assert SandboxConfig(demo_now=dt.datetime(2026, 6, 1, 0, 10)).demo_now == dt.datetime(2026, 6, 1, 0, 10, tzinfo=utc)
    monkeypatch.setenv("WALLAROO_SANDBOX_DEMO_NOW", "2026-05-31T05:59:00")  # naive = UTC
    assert SandboxConfig().demo_now == dt.datetime(2026, 5, 31, 5, 59, tzinfo=utc)
    with pytest.raises(ValueError, match="demo now must be an ISO 8601 time.*'tomorrow'"):
        SandboxConfig(demo_now="tomorrow")
    assert cli.main(["--demo", "--demo-now", "yesterday", "--port", "0"]) == 2
    assert "demo now must be an ISO 8601 time" in capsys.readouterr().err


def test_cli_reads_the_password_and_client_secret_from_the_environment(monkeypatch):
    """`make lab` passes them as SANDBOX_ADMIN_PASSWORD / SANDBOX_CLIENT_SECRET, out of the process list; flags win."""
    from wallaroo_widgets.sandbox.cli import parser

    monkeypatch.delenv("SANDBOX_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("SANDBOX_CLIENT_SECRET", raising=False)
    args = parser().parse_args([])
    assert (args.admin_password, args.client_secret) == (None, "sandbox-secret")
    monkeypatch.setenv("SANDBOX_ADMIN_PASSWORD", "Pw-env-xyz")
    monkeypatch.setenv("SANDBOX_CLIENT_SECRET", "Cs-env-xyz")
    args = parser().parse_args([])
    assert (args.admin_password, args.client_secret) == ("Pw-env-xyz", "Cs-env-xyz")
    assert parser().parse_args(["--admin-password", "given"]).admin_password == "given"
