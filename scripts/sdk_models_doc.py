"""Describe endpoints of the Wallaroo SDK's generated client (``wallaroo_ml_ops_api_client``) as Markdown tables.

Reads an unzipped ``wallaroo`` wheel with ``ast`` only (nothing is imported or executed) and prints, for each
endpoint module given, the method and path, the request body model, the statuses its parser accepts and,
once per model, a table of fields (JSON type, required, nullable, enum values). Used to write
docs/reference/sdk-generated-models.md:

    pip download --no-deps wallaroo==2026.1.3 -d /tmp/sdkwheel && unzip -q /tmp/sdkwheel/*.whl -d /tmp/sdkwheel/x
    python scripts/sdk_models_doc.py /tmp/sdkwheel/x pipelines/list_pipelines assays/get ...
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

SCALARS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "Any": "any JSON",
           "File": "file (multipart)", "UUID": "string (UUID, parsed)", "datetime.datetime": "string (date-time, parsed)",
           "datetime.date": "string (date, parsed)"}


NOT_EXPANDED = {"OpenAiConfig": "LLM serving settings; every field optional",
                "FrameworkConfigType0": "vLLM settings", "FrameworkConfigType1": "SGLang settings",
                "FrameworkConfigType2": "custom framework settings", "AccelerationType4": "Qualcomm AIC settings"}


@dataclass
class Model:
    name: str
    enum: list[str] | None = None
    fields: list[tuple[str, ast.expr, bool]] = field(default_factory=list)  # (name, annotation, has_default)
    extra_ok: bool = False  # unknown keys kept in additional_properties (not rejected)
    extra_type: ast.expr | None = None  # value type of additional properties when not Any
    lenient: bool = False  # a Literal alias whose check accepts any string
    keys: dict[str, str] = field(default_factory=dict)  # attribute name -> JSON key (``bytes_`` -> ``bytes``)


def load_models(root: Path) -> dict[str, Model]:
    """Every class under ``models/``: attrs models with their annotated fields, and string enums."""
    out: dict[str, Model] = {}
    for path in sorted((root / "models").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Subscript)
                    and ast.unparse(node.value.value) == "Literal"):
                name = node.targets[0].id
                out[name] = Model(name, enum=[ast.literal_eval(e) for e in node.value.slice.elts],
                                  lenient="Accept any string" in path.read_text())
                continue
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {ast.unparse(b) for b in node.bases}
            if bases & {"Enum", "str, Enum"} or "Enum" in " ".join(bases):
                vals = [ast.literal_eval(n.value) for n in node.body
                        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)]
                out[node.name] = Model(node.name, enum=vals)
                continue
            m = Model(node.name)
            for line in ast.unparse(node).splitlines():
                hit = re.search(r"(\w+) = .*\bd\.pop\('([^']+)'", line)
                if hit:
                    m.keys[hit.group(1).lstrip("_")] = hit.group(2)
            for n in node.body:
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
                    if n.target.id == "additional_properties":
                        m.extra_ok = True
                        val = n.annotation.slice.elts[1]
                        m.extra_type = None if ast.unparse(val) == "Any" else val
                    else:
                        m.fields.append((n.target.id, n.annotation, n.value is not None))
            out[node.name] = m
    return out


def members(ann: ast.expr) -> list[ast.expr]:
    """The alternatives of a ``Union[...]`` (or the annotation itself)."""
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        ann = ast.parse(ann.value, mode="eval").body
    if isinstance(ann, ast.Subscript) and ast.unparse(ann.value) in {"Union", "Optional"}:
        sl = ann.slice
        items = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
        if ast.unparse(ann.value) == "Optional":
            items.append(ast.Constant(None))
        return [x for i in items for x in members(i)]
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        return members(ann.left) + members(ann.right)
    return [ann]


def render(ann: ast.expr, models: dict[str, Model], refs: list[str]) -> str:
    """JSON-ish type of one (non-None, non-Unset) annotation; nested models are linked and queued in refs."""
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        ann = ast.parse(ann.value, mode="eval").body
    text = ast.unparse(ann)
    if text in SCALARS:
        return SCALARS[text]
    if isinstance(ann, ast.Subscript) and ast.unparse(ann.value) in {"list", "List"}:
        return "array of " + " or ".join(render(m, models, refs) for m in members(ann.slice))
    if isinstance(ann, ast.Subscript) and ast.unparse(ann.value) in {"dict", "Dict"}:
        return "object"
    if text in models:
        m = models[text]
        if m.enum is not None and m.lenient:
            return f"string (any; {len(m.enum)} known values from `{m.enum[0]}` to `{m.enum[-1]}`)"
        if m.enum is not None:
            return "string enum " + ", ".join(f"`{v}`" for v in m.enum)
        if text not in refs:
            refs.append(text)
        return f"[{text}](#{text.lower()})"
    return f"`{text}`"


def describe(ann: ast.expr, models: dict[str, Model], refs: list[str]) -> tuple[str, bool, bool]:
    """(type text, optional key, nullable) of a field annotation."""
    alts = members(ann)
    opt = any(ast.unparse(a) in {"Unset", "'Unset'"} for a in alts)
    null = any(isinstance(a, ast.Constant) and a.value is None or ast.unparse(a) == "None" for a in alts)
    rest = [a for a in alts if ast.unparse(a) not in {"Unset", "'Unset'", "None"}
            and not (isinstance(a, ast.Constant) and a.value is None)]
    types = [render(a, models, refs) for a in rest]
    text = " or ".join(types) if types else "null"
    if len(types) > 1:
        text = "one of: " + text + " (tried in this order)"
    return text, opt, null


@dataclass
class Endpoint:
    module: str
    method: str
    path: str
    body: str | None
    statuses: list[tuple[int, str]]
    doc: str


def load_endpoint(root: Path, module: str) -> Endpoint:
    """Method, path, body model and accepted statuses of one ``api/<area>/<name>.py`` module."""
    src = (root / "api" / f"{module}.py").read_text()
    tree = ast.parse(src)
    method = re.search(r'"method":\s*"(\w+)"', src).group(1).upper()
    path = re.search(r'"url":\s*f?"([^"]+)"', src).group(1)
    body = None
    statuses: list[tuple[int, str]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "_get_kwargs":
            for a in node.args.kwonlyargs:
                if a.arg in {"body", "json_body", "multipart_data"}:
                    body = ast.unparse(a.annotation)
        if isinstance(node, ast.FunctionDef) and node.name == "_parse_response":
            for stmt in node.body:
                if isinstance(stmt, ast.If) and "status_code ==" in ast.unparse(stmt.test):
                    code = int(ast.unparse(stmt.test).split("==")[1].strip())
                    block = "\n".join(ast.unparse(s) for s in stmt.body)
                    statuses.append((code, _parsed_as(block)))
    doc = ""
    m = re.search(r'def sync_detailed\(.*?"""(.*?)Args:', src, re.S)
    if m:
        doc = " ".join(m.group(1).split())
    return Endpoint(module, method, path, body, statuses, doc)


def _parsed_as(block: str) -> str:
    if "cast(Any, None)" in block or "response.json()" not in block:
        return "body ignored (parsed as None)"
    if re.search(r"response_\d+ = UUID\(", block):
        return "a bare JSON string, parsed as UUID"
    found = re.findall(r"(\w+)\.from_dict\(", block)
    if "_item_data in" in block and found:
        return f"array of [{found[0]}](#{found[0].lower()})"
    if found:
        alts = " or ".join(f"[{f}](#{f.lower()})" for f in dict.fromkeys(found))
        nullable = " or null" if "if data is None" in block else ""
        return alts + nullable
    return "`" + block.replace("\n", "; ")[:80] + "`"


def main(argv: list[str]) -> None:
    root = Path(argv[0]) / "wallaroo" / "wallaroo_ml_ops_api_client"
    models = load_models(root)
    queue: list[str] = []
    print("## Endpoints\n")
    for module in argv[1:]:
        ep = load_endpoint(root, module)
        print(f"### `{ep.method} {ep.path}`\n")
        print(f"Generated module `api/{ep.module}.py`.\n")
        if ep.body:
            name = ep.body.strip("'")
            if name in models and name not in queue:
                queue.append(name)
            print(f"- Request body: [{name}](#{name.lower()}) (JSON)")
        else:
            print("- Request body: none")
        for code, what in ep.statuses:
            print(f"- {code}: {what}")
            for f in re.findall(r"\[(\w+)\]", what):
                if f not in queue:
                    queue.append(f)
        print()
    print("## Models\n")
    seen: set[str] = set()
    tables: dict[str, str] = {}
    while queue:
        name = queue.pop(0)
        if name in seen or name not in models:
            continue
        seen.add(name)
        m = models[name]
        print(f"### {name}\n")
        if name in NOT_EXPANDED:
            print(f"Not expanded here ({NOT_EXPANDED[name]}).\n")
            continue
        refs: list[str] = []
        if m.extra_type is not None:
            text, _, null = describe(m.extra_type, models, refs)
            print(f"An object whose every other key maps to {text}{' or null' if null else ''}.\n")
            queue.extend(r for r in refs if r not in seen)
        if not m.fields:
            if m.extra_type is None:
                print("No declared fields" + ("; any keys are kept as additional properties." if m.extra_ok else ".")
                      + "\n")
            continue
        rows = ["| field | type | key | null |", "|---|---|---|---|"]
        for fname, ann, _default in m.fields:
            text, opt, null = describe(ann, models, refs)
            rows.append(f"| `{m.keys.get(fname, fname)}` | {text} | {'optional' if opt else '**required**'} | {'yes' if null else 'no'} |")
        if m.extra_type is None:
            rows.append("\nUnknown keys: " + ("kept (additional properties)." if m.extra_ok else "not declared.") + "\n")
        else:
            rows.append("")
        table = "\n".join(rows)
        same = next((k for k, v in tables.items() if v == table), None)
        if same:
            print(f"Same fields as [{same}](#{same.lower()}).\n")
        else:
            tables[name] = table
            print(table)
        queue.extend(r for r in refs if r not in seen)


if __name__ == "__main__":
    main(sys.argv[1:])
