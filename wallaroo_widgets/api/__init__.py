"""The typed API layer: one module per area, all sharing one Session."""

from ._base import ApiList, Area

__all__ = ["ApiList", "Area"]
