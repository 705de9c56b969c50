"""The Jupyter Server half of the JupyterLab extension (``labextension/`` is the browser half).

Layering: uses ``session``/``api`` only (never ``sandbox`` or ``panels``); the logic is in :mod:`.backend` and
:mod:`.tree`, the tornado handlers in :mod:`.handlers` are thin."""

from .backend import ALLOWED_PATHS, Backend, NotConfigured, ProxyDenied, UpstreamError

__all__ = ["ALLOWED_PATHS", "Backend", "NotConfigured", "ProxyDenied", "UpstreamError"]
