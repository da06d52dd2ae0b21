"""Make route handlers visible to mutmut, in a throwaway copy of the code.

mutmut 3 skips every decorated function (it cannot put a trampoline under a decorator that
runs at import), so the bodies of ``@router.get(...)`` handlers are never mutated. This
rewrites each decorated top-level function of the given files as a plain function
registered after its definition (``name = router.get(...)(name)``), which is what the
decorator syntax means; mutmut then mutates the body and registers its trampoline, which
keeps the handler's name, docstring and signature.

Run it only in a clone made for the mutation run (it rewrites the files in place)::

    git clone . /tmp/mroutes && cd /tmp/mroutes
    python tests/mutation/undecorate.py compax_server/api/bookings.py

docs/testing.md (the thirty-fifth pass) has the whole recipe.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

KEEP = {"staticmethod", "classmethod"}  # mutmut handles these itself


def undecorate(source: str) -> str:
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or not node.decorator_list:
            continue
        names = [ast.get_source_segment(source, d) or "" for d in node.decorator_list]
        if any(name in KEEP for name in names):
            continue
        first = node.decorator_list[0].lineno - 1  # the line of the first '@'
        registered = node.name + " = " + "".join(f"{n}(" for n in names) + node.name
        registered += ")" * len(names) + "\n"
        assert node.end_lineno is not None
        edits.append((first, node.lineno - 1, node.end_lineno, registered))
    for first, def_line, end, registered in reversed(edits):
        lines[end:end] = ["\n", registered]
        del lines[first:def_line]
    return "".join(lines)


def main(paths: list[str]) -> None:
    for path in map(Path, paths):
        path.write_text(undecorate(path.read_text()))
        print(f"undecorated {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
