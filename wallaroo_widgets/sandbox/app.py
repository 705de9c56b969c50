"""The sandbox app factory: FastAPI app with the store, the realm, the routers and the assay scheduler."""

from __future__ import annotations

import contextlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from . import db, engine
from .bodies import BodyLimit
from .config import DEFAULT_ADMIN_PASSWORD, SandboxConfig
from .errors import install_handlers
from .openapi import install as install_openapi
from .routers import (
    assays,
    assays_v2,
    auth,
    features,
    graphql_api,
    inference,
    keycloak_admin,
    models,
    models_current,
    pipelines,
    pipelines_current,
    users,
    workspaces,
)
from .scheduler import AssayScheduler
from .tokens import Realm, load_or_create_key

log = logging.getLogger("wallaroo_widgets.sandbox")


def prepare_admin(store: db.Store, config: SandboxConfig) -> None:
    """Create the admin, or make an existing one match the config (a given password replaces the stored one)."""
    with store.tx(write=True) as conn:
        user = db.get_user(conn, email=config.admin_email)
        if user is None:
            db.create_user(conn, config.admin_email, config.admin_password or DEFAULT_ADMIN_PASSWORD, admin=True)
            return
        if not user["is_admin"]:
            conn.execute("UPDATE users SET is_admin = 1 WHERE id = ?", (user["id"],))
            log.warning("%s is now an administrator (--admin-email)", config.admin_email)
        if config.admin_password is not None and not db.check_password(config.admin_password,
                                                                        user["password_hash"]):
            conn.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                         (db.hash_password(config.admin_password), user["id"]))
            log.warning("admin %s: password updated to the one given (--admin-password)", config.admin_email)


def published_logins(store: db.Store) -> list[str]:
    """Emails of enabled users who still log in with a published password (the default admin's, the demo's)."""
    from .demo import DEMO_USERS  # numpy only; imported here, as only public starts check

    with store.tx() as conn:
        admins = [r[0] for r in conn.execute("SELECT email FROM users WHERE is_admin = 1 AND enabled = 1")]
        found = []
        for email, password in [(a, DEFAULT_ADMIN_PASSWORD) for a in admins] + list(DEMO_USERS):
            user = db.get_user(conn, email=email)
            if user and user["enabled"] and db.check_password(password, user["password_hash"]):
                found.append(email)
    return found


def check_public(store: db.Store, config: SandboxConfig) -> None:
    """On a non-loopback host: ValueError while any user logs in with a published password."""
    if not config.public:
        return
    exposed = published_logins(store)
    if exposed:
        raise ValueError(f"refusing to bind non-loopback host {config.host!r}: {', '.join(exposed)} still log in "
                         "with a published password (give the admin --admin-password; demo users need a data dir "
                         "without the demo, or deactivate them on a loopback start)")


def _swagger_static() -> Path | None:
    """The Swagger UI files of the ``swagger-ui-py`` package, when installed (docs work offline)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.origin:
        return None
    static = Path(spec.origin).parent / "static"
    return static if (static / "swagger-ui-bundle.js").is_file() else None


def _docs(app: FastAPI, static: Path) -> None:
    app.mount("/v1/api/docs/static", StaticFiles(directory=static), name="swagger-static")

    @app.get("/v1/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/v1/api/openapi.json", title=f"{app.title} - Swagger UI",
                                   swagger_js_url="/v1/api/docs/static/swagger-ui-bundle.js",
                                   swagger_css_url="/v1/api/docs/static/swagger-ui.css",
                                   swagger_favicon_url="/v1/api/docs/static/favicon-32x32.png")


def create_app(config: SandboxConfig) -> FastAPI:
    """Build the app on ``config.data_dir`` (creates the schema, the admin user and the realm key).

    ValueError when the settings are unsafe for the data dir (see ``check_public``)."""
    store = db.Store(config.data_dir)
    prepare_admin(store, config)
    check_public(store, config)
    realm = Realm(load_or_create_key(config.data_dir), issuer=f"http://{config.host}:{config.port}/auth/realms/master",
                  access_lifetime=config.access_token_lifetime, refresh_lifetime=config.refresh_token_lifetime)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if config.demo:
            from . import demo  # pandas/numpy heavy: loaded only for --demo

            demo.seed(store, now=config.demo_now)
        sched = AssayScheduler.for_store(store, tick=config.assay_tick)
        app.state.assay_scheduler = sched
        sched.start()
        try:
            yield
        finally:
            sched.stop()

    static = _swagger_static()
    app = FastAPI(title="Wallaroo sandbox MLOps API", version="1", docs_url=None if static else "/v1/api/docs",
                  openapi_url="/v1/api/openapi.json", redoc_url=None, lifespan=lifespan,
                  description="A local Wallaroo-compatible MLOps API (every call is POST with a bearer token).")
    app.state.config, app.state.store, app.state.realm = config, store, realm
    app.state.models = engine.ModelCache()
    app.state.assay_scheduler = None
    install_handlers(app)
    install_openapi(app)
    if static is not None:
        _docs(app, static)
    for module in (auth, keycloak_admin, users, workspaces, models, models_current, pipelines, pipelines_current,
                   inference, features, assays, assays_v2, graphql_api):
        app.include_router(module.router)

    @app.get("/v1/api/config", tags=["meta"], summary="Unauthenticated instance config")
    def instance_config() -> dict:
        return {"default_arch": "x86", "name": "Wallaroo Sandbox", "is_auth_enabled": True}

    app.add_middleware(BodyLimit, max_bytes=config.max_request_bytes, max_json_bytes=config.max_json_bytes)
    return app
