"""The typed API layer: one module per area, all sharing one Session."""

from ._base import ApiDict, ApiList, Area

__all__ = ["ApiDict", "ApiList", "Area"]
