"""wallaroo-widgets: Jupyter widgets, drift analysis and a local sandbox for the Wallaroo MLOps API."""

from ._version import __version__

__all__ = ["__version__"]
