"""``WallarooLabApp``: the Jupyter Server extension behind the JupyterLab sidebar (routes under
``/wallaroo-widgets/``). Credentials come from this server's config or the ``WALLAROO_*`` environment the
kernels use; they never reach the browser."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from jupyter_server.extension.application import ExtensionApp
from traitlets import Float, Int, TraitError, Unicode
from traitlets.config import Config

from ..secrets import MASK, Secret, install_log_redaction, is_secret_key
from .backend import Backend

# Jupyter's --debug logs whole config objects ("Config changed: {...}"), c.WallarooLabApp.password included: this
# process's log records show *** for secret-named config keys from here on (the package is imported before the
# extension's config is loaded).
install_log_redaction()

NAMESPACE = "wallaroo-widgets"

#: traitlet name -> environment variable it defaults to
ENV_NAMES = {"api_url": "WALLAROO_URL", "token": "WALLAROO_TOKEN", "user": "WALLAROO_USER",
             "password": "WALLAROO_PASSWORD", "client_secret": "WALLAROO_CLIENT_SECRET",
             "token_url": "WALLAROO_TOKEN_URL"}
#: the traits holding secrets (masked in the loaded config once read)
SECRET_TRAITS = ("password", "token", "client_secret")


class ConfigSecret:
    """A secret config value as kept in the loaded Jupyter config once the extension has read it: not a ``str``,
    so ``jupyter server/lab --show-config`` (pprint) and ``--show-config-json`` (``json.dump(default=repr)``)
    print ``'***'``; :class:`SecretUnicode` unwraps it when the config is applied again."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return repr(MASK)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConfigSecret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def mask_secret_config(config: Config) -> None:
    """Replace, in place, the secret values of ``config.WallarooLabApp`` (password, token, client_secret) by
    :class:`ConfigSecret` wrappers (``--show-config`` prints the loaded config, not the traits)."""
    section = config["WallarooLabApp"] if "WallarooLabApp" in config else None
    if not isinstance(section, dict):
        return
    for key in SECRET_TRAITS:
        value = section.get(key)
        if isinstance(value, str):
            section[key] = ConfigSecret(value)


class SecretUnicode(Unicode):
    """A ``Unicode`` trait whose value is a :class:`~wallaroo_widgets.secrets.Secret` (its repr is ``***``)."""

    def validate(self, obj, value):  # noqa: ANN001, ANN201 - traitlets' signature
        if isinstance(value, ConfigSecret):
            value = value.reveal()
        if not isinstance(value, str):  # traitlets' own message would show the value
            raise TraitError(f"The '{self.name}' trait of a {type(obj).__name__} instance expected a string, "
                             f"not a {type(value).__name__} (value not shown)")
        return Secret(super().validate(obj, value))


class WallarooLabApp(ExtensionApp):
    """Serves ``/wallaroo-widgets/status``, ``/tree`` and an allowlisted read-only ``/api/<path>`` proxy."""

    name = "wallaroo_widgets"
    load_other_extensions = True

    api_url = Unicode("", config=True, help="Wallaroo API base URL (default: $WALLAROO_URL). Fixed "
                      "server-side: the browser never chooses where this server connects.")
    token = SecretUnicode("", config=True, help="A static bearer token (default: $WALLAROO_TOKEN).")
    user = Unicode("", config=True, help="Wallaroo user for the password grant (default: $WALLAROO_USER).")
    password = SecretUnicode("", config=True, help="Password for the password grant (default: $WALLAROO_PASSWORD).")
    client_secret = SecretUnicode("", config=True,
                            help="Keycloak api-client secret (default: $WALLAROO_CLIENT_SECRET).")
    token_url = Unicode("", config=True, help="Keycloak token URL override (default: $WALLAROO_TOKEN_URL).")
    cache_ttl = Float(10.0, config=True, help="Seconds the status and tree answers are cached.")
    timeout = Float(20.0, config=True, help="Upstream read timeout in seconds.")
    workers = Int(2, config=True, help="Threads for upstream calls (the event loop never waits on Wallaroo).")

    def credentials(self) -> dict[str, str]:
        """``WALLAROO_*``-named credentials: this app's config where set, else the environment (secrets as
        :class:`~wallaroo_widgets.secrets.Secret`, masked in reprs)."""
        out = {env: (getattr(self, trait) or os.environ.get(env, "")).strip() for trait, env in ENV_NAMES.items()}
        return {env: Secret(v) if is_secret_key(trait) else v
                for (trait, env), v in zip(ENV_NAMES.items(), out.values(), strict=True)}

    def _link_jupyter_server_extension(self, serverapp) -> None:  # noqa: ANN001 - jupyter_server's signature
        super()._link_jupyter_server_extension(serverapp)
        self.mask_config()

    def mask_config(self) -> None:
        """Mask the secret values in this app's and the server's loaded config (the traits keep the values)."""
        mask_secret_config(self.config)
        if getattr(self, "serverapp", None) is not None:
            mask_secret_config(self.serverapp.config)

    def initialize_settings(self) -> None:
        self.mask_config()  # again after every extension is linked (each merges its config into the server's)
        backend = Backend(self.credentials(), cache_ttl=self.cache_ttl, timeout=(5.0, self.timeout))
        self.settings.update({"wallaroo_backend": backend,
                              "wallaroo_executor": ThreadPoolExecutor(max(1, self.workers),
                                                                      thread_name_prefix="wallaroo-lab")})
        where = backend.shown_url or "no WALLAROO_URL (sidebar shows 'not configured')"
        self.log.info("wallaroo_widgets: sidebar server extension for %s (%s)", where,
                      backend.auth_type or "no credentials")

    def initialize_handlers(self) -> None:
        from .handlers import route_handlers

        self.handlers.extend(route_handlers(NAMESPACE))

    async def stop_extension(self) -> None:
        backend = self.settings.get("wallaroo_backend")
        if backend is not None:
            backend.close()
        executor = self.settings.get("wallaroo_executor")
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
