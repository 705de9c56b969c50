"""The typed API layer: one module per area, all sharing one Session. Public HTTP methods are declared with
``@api(read=...)`` (see :mod:`wallaroo_widgets.api._base`)."""

from ._base import ApiDict, ApiList, Area, api, helper

__all__ = ["ApiDict", "ApiList", "Area", "api", "helper"]
