"""Fixtures of the plot tests."""

from __future__ import annotations

import pytest

from .helpers import local_run


@pytest.fixture(scope="module")
def local() -> tuple[dict, list[dict]]:
    return local_run()
