"""``wallaroo-widgets sandbox [...]`` and ``wallaroo-widgets sandbox import-logs [...]``."""

from __future__ import annotations

import argparse
import os
import sys

from .config import DEFAULT_ADMIN_EMAIL, DEFAULT_CLIENT_SECRET, DEFAULT_DATA_DIR, DEMO_NOW_ENV, SandboxConfig

#: environment variables read for --admin-password / --client-secret (`make lab` passes them this way)
ADMIN_PASSWORD_ENV, CLIENT_SECRET_ENV = "SANDBOX_ADMIN_PASSWORD", "SANDBOX_CLIENT_SECRET"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wallaroo-widgets sandbox",
                                description="Run the local Wallaroo-compatible MLOps sandbox "
                                            "(subcommand: import-logs).")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1; non-loopback hosts "
                                                       "need a non-default password and client secret)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any free port)")
    p.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help=f"SQLite + model files (default {DEFAULT_DATA_DIR})")
    p.add_argument("--admin-email", default=DEFAULT_ADMIN_EMAIL, help=f"admin user (default {DEFAULT_ADMIN_EMAIL})")
    p.add_argument("--admin-password", default=os.environ.get(ADMIN_PASSWORD_ENV) or None,
                   help="admin password; replaces the stored one when it differs (default: $"
                        f"{ADMIN_PASSWORD_ENV}, else 'admin' for a new data dir, else the stored password; 'admin' is "
                        "refused on non-loopback hosts). The variable keeps it out of the process list")
    p.add_argument("--client-secret", default=os.environ.get(CLIENT_SECRET_ENV) or DEFAULT_CLIENT_SECRET,
                   help=f"secret of the confidential client api-client (default: ${CLIENT_SECRET_ENV}, else "
                        "'sandbox-secret', loopback only)")
    p.add_argument("--access-token-lifetime", type=int, default=3600, help="seconds (default 3600)")
    p.add_argument("--refresh-token-lifetime", type=int, default=1800, help="seconds (default 1800)")
    p.add_argument("--deploy-delay", type=float, default=2.0,
                   help="seconds a deployment stays Starting before Running (default 2)")
    p.add_argument("--assay-tick", type=float, default=5.0, help="assay scheduler period in seconds (default 5)")
    p.add_argument("--max-request-bytes", type=int, default=None,
                   help="larger model uploads and inference bodies get 413 (default 256 MiB)")
    p.add_argument("--max-json-bytes", type=int, default=None,
                   help="larger bodies of every other call get 413 (default 32 MiB)")
    p.add_argument("--demo", action=argparse.BooleanOptionalAction, default=False,
                   help="seed demo users, a deployed housepricepipe, a month of logs and an assay")
    p.add_argument("--demo-now", default=None, metavar="TIME",
                   help="seed the demo as if the clock said TIME (ISO 8601, e.g. 2026-11-30T23:50:00Z): its month "
                        f"ends at the last full hour before TIME (default: ${DEMO_NOW_ENV}, else now)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "import-logs":
        from .import_logs import main as import_main

        return import_main(argv[1:])
    args = parser().parse_args(argv)
    extra = {k: v for k, v in (("max_request_bytes", args.max_request_bytes),
                                ("max_json_bytes", args.max_json_bytes)) if v is not None}
    try:
        config = SandboxConfig(data_dir=args.data_dir, host=args.host, port=args.port, admin_email=args.admin_email,
                               admin_password=args.admin_password, client_secret=args.client_secret,
                               access_token_lifetime=args.access_token_lifetime,
                               refresh_token_lifetime=args.refresh_token_lifetime, deploy_delay=args.deploy_delay,
                               demo=args.demo, assay_tick=args.assay_tick, demo_now=args.demo_now, **extra)
    except ValueError as exc:
        print(f"wallaroo-widgets sandbox: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    from .app import create_app
    from .server import bind_socket

    try:
        sock = bind_socket(config.host, config.port)
    except OSError as exc:
        print(f"wallaroo-widgets sandbox: cannot bind {config.host}:{config.port}: {exc.strerror}", file=sys.stderr)
        return 2
    config.port = sock.getsockname()[1]  # --port 0: the port actually bound (printed, and in the tokens' iss)
    try:
        app = create_app(config)
    except ValueError as exc:
        sock.close()
        print(f"wallaroo-widgets sandbox: {exc}", file=sys.stderr)
        return 2
    host = f"[{config.host}]" if ":" in config.host else config.host
    print(f"Wallaroo sandbox on http://{host}:{config.port}  (API docs: /v1/api/docs, "
          f"data: {config.data_dir}, admin: {config.admin_email})", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="info", access_log=False)).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
