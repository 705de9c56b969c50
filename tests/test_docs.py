"""The repository stands on its own: the spec the code cites is in docs/spec/, nothing points outside the repo."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: a path into the workspace's shared folder (``../shared/...``, ``/work/shared/...``, ``shared/reference``)
OUTSIDE = re.compile(r"(\.\./|/)shared/|shared/reference")


def tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / line for line in out.stdout.splitlines() if (REPO / line).is_file()]


def test_no_file_points_outside_the_repository() -> None:
    files = [p for p in tracked() if p.suffix in {".py", ".md", ".ts", ".toml", ".cfg", ".sh", ".ipynb", ""}
             and "docs/spec/" not in p.as_posix() and "tests/data/" not in p.as_posix()]
    assert len(files) > 100
    bad = [f"{p.relative_to(REPO)}:{i}" for p in files
           for i, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
           if OUTSIDE.search(line) and p.name != "test_docs.py"]
    assert not bad, "references outside the repository (use docs/spec/...): " + ", ".join(bad)


def test_the_cited_spec_documents_are_in_docs_spec() -> None:
    cited = {"assay-math": "assay-math.md", "mlops-api": "mlops-api.md", "assays-v2.md": "assays-v2.md"}
    code = "\n".join(p.read_text(encoding="utf-8") for p in tracked("wallaroo_widgets/*.py", "tests/*.py"))
    for needle, name in cited.items():
        assert needle in code, f"nothing cites {name} any more: drop it from docs/spec"
        spec = REPO / "docs" / "spec" / name
        assert spec.is_file() and spec.stat().st_size > 10_000, f"docs/spec/{name} missing"
    sections = {int(n) for n in re.findall(r"^## (\d+)\.", (REPO / "docs/spec/assay-math.md").read_text(), re.M)}
    for n in re.findall(r"assay-math(?:\.md)? §(\d+)", code):
        assert int(n) in sections, f"code cites assay-math §{n}, which docs/spec/assay-math.md does not have"


def test_the_reference_pages_are_generated_from_the_current_docstrings() -> None:
    """docs/reference/api/*.md equal what scripts/gen_reference.py writes (run it after changing a docstring)."""
    import sys

    out = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_reference.py"), "--check"], cwd=REPO,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    pages = sorted(p.name for p in (REPO / "docs" / "reference" / "api").glob("*.md"))
    assert {"README.md", "api.md", "drift.md", "sandbox.md"} <= set(pages)
    assert "### class `Session" in (REPO / "docs/reference/api/client.md").read_text(encoding="utf-8")
