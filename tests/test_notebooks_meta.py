"""Static checks of the tutorial notebooks (their execution is tested by nbval: ``pytest notebooks``).

Committed without outputs, built from ``tutorials/src`` (no drift between the two), a "What you will
learn" opening and a clean-up closing cell that says what remains, fixed (not random) names, no skip tags,
no credentials written into them.
"""

from __future__ import annotations

import json

import pytest
from notebook_cells import NOTEBOOKS, SOURCES, load_builder

EXPECTED = [
    "00_console", "01_connect_and_tokens", "02_users", "03_workspaces", "04_models",
    "05_pipelines_and_inference", "06_enablement", "07_assays", "08_drift_exploration", "09_assays_v2",
    "10_drift_overview",
]
SKIP_TAGS = {"nbval-skip", "skip", "skip-execution", "raises-exception", "nbval-raises-exception"}


def _notebook(name: str) -> dict:
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())


def test_every_tutorial_notebook_exists_with_a_source():
    present = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert present == EXPECTED
    assert sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.py")) == EXPECTED


def test_the_notebooks_folder_holds_only_the_notebooks_and_their_readme():
    """JupyterLab opens notebooks/: no sources, build script or test glue beside the tutorials."""
    tracked = sorted(p.name for p in NOTEBOOKS.iterdir()
                     if not p.name.startswith(".") and p.name not in ("__pycache__",) and not p.name.endswith(".pyc"))
    assert tracked == sorted([f"{name}.ipynb" for name in EXPECTED] + ["README.md"])


def test_committed_notebooks_match_their_sources():
    builder = load_builder()
    for name in EXPECTED:
        built = builder.render(builder.build(SOURCES / f"{name}.py"))
        assert (NOTEBOOKS / f"{name}.ipynb").read_text() == built, f"{name}: run python tutorials/build.py"


def test_builder_parses_markdown_code_and_tags():
    builder = load_builder()
    cells = builder.parse('# %% [markdown]\n# # Title\n# text\n\n# %% tags=["a"]\nx = 1\n\n# %%\ny = 2\n')
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert cells[0].source == "# Title\ntext"
    assert cells[1].source == "x = 1" and cells[1].metadata["tags"] == ["a"]
    assert "tags" not in cells[2].metadata


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_shape(name):
    nb = _notebook(name)
    cells = nb["cells"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{name}: committed with outputs"
        tags = set(cell.get("metadata", {}).get("tags", []))
        assert not tags & SKIP_TAGS, f"{name}: a cell is tagged {tags & SKIP_TAGS}"
    assert cells[0]["cell_type"] == "markdown" and "What you will learn" in "".join(cells[0]["source"])
    assert cells[-2]["cell_type"] == "markdown" and "Clean-up" in "".join(cells[-2]["source"])
    assert "remain" in "".join(cells[-2]["source"]), f"{name}: the clean-up cell must say what remains"
    assert cells[-1]["cell_type"] == "code"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_names_are_fixed_so_reruns_reuse_them(name):
    """No random suffixes: the API cannot delete what a run creates, so every run must reuse the same names
    (executed twice against one sandbox by ``tests/test_notebooks_rerun.py``)."""
    code = "\n".join("".join(c["source"]) for c in _notebook(name)["cells"] if c["cell_type"] == "code")
    assert "token_hex" not in code and "uuid4" not in code and "SUFFIX" not in code


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_holds_no_credentials(name):
    text = (NOTEBOOKS / f"{name}.ipynb").read_text()
    code = "\n".join("".join(c["source"]) for c in _notebook(name)["cells"] if c["cell_type"] == "code")
    assert "sandbox-secret" not in text and "eyJ" not in text  # no client secret, no JWT
    assert "Session.from_env()" in code or "os.environ" in code
    assert "print(token" not in code.replace(" ", "")
