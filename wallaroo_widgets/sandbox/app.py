"""The sandbox app factory: FastAPI app with the store, the realm, the routers and the assay scheduler."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI

from . import db, engine
from .config import SandboxConfig
from .deps import require_user
from .errors import BodyLimit, install_handlers
from .routers import auth, features, inference, keycloak_admin, models, pipelines, users, workspaces
from .tokens import Realm, load_or_create_key

log = logging.getLogger("wallaroo_widgets.sandbox")


def _assays_router():
    try:
        from .routers import assays
    except ImportError as exc:  # assays live in a separate module; the core runs without them
        log.warning("assays router not available: %s", exc)
        return None
    return assays.router


def _scheduler(store: db.Store, tick: float):
    try:
        from .scheduler import AssayScheduler
    except ImportError as exc:
        log.warning("assay scheduler not available: %s", exc)
        return None
    return AssayScheduler.for_store(store, tick=tick)


def create_app(config: SandboxConfig) -> FastAPI:
    """Build the app on ``config.data_dir`` (creates the schema, the admin user and the realm key)."""
    store = db.Store(config.data_dir)
    store.ensure_user(config.admin_email, config.admin_password, admin=True)
    realm = Realm(load_or_create_key(config.data_dir), issuer=f"http://{config.host}:{config.port}/auth/realms/master",
                  access_lifetime=config.access_token_lifetime, refresh_lifetime=config.refresh_token_lifetime)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if config.demo:
            try:
                from . import demo
            except ImportError as exc:
                raise RuntimeError(f"--demo needs wallaroo_widgets.sandbox.demo: {exc}") from exc
            demo.seed(store)
        sched = _scheduler(store, config.assay_tick)
        app.state.assay_scheduler = sched
        if sched is not None:
            sched.start()
        try:
            yield
        finally:
            if sched is not None:
                sched.stop()

    app = FastAPI(title="Wallaroo sandbox MLOps API", version="1", docs_url="/v1/api/docs",
                  openapi_url="/v1/api/openapi.json", redoc_url=None, lifespan=lifespan,
                  description="A local Wallaroo-compatible MLOps API (every call is POST with a bearer token).")
    app.state.config, app.state.store, app.state.realm = config, store, realm
    app.state.models = engine.ModelCache()
    app.state.assay_scheduler = None
    install_handlers(app)
    for module in (auth, keycloak_admin, users, workspaces, models, pipelines, inference, features):
        app.include_router(module.router)
    assays = _assays_router()
    if assays is not None:
        app.include_router(assays, dependencies=[Depends(require_user)])

    @app.get("/v1/api/config", tags=["meta"], summary="Unauthenticated instance config")
    def instance_config() -> dict:
        return {"default_arch": "x86", "name": "Wallaroo Sandbox", "is_auth_enabled": True}

    app.add_middleware(BodyLimit, max_bytes=config.max_request_bytes)
    return app
