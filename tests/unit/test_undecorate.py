"""tests/mutation/undecorate.py: the rewrite means what the decorators meant."""

from __future__ import annotations

import textwrap

from tests.mutation.undecorate import undecorate

SOURCE = textwrap.dedent(
    '''
    calls = []


    def tag(label):
        def register(f):
            calls.append((label, f.__name__))
            f.labels = [*getattr(f, "labels", []), label]
            return f

        return register


    @tag("outer")
    @tag(
        "inner",
    )
    async def handler(x: int) -> int:
        """Its words."""
        return x + 1


    class Model:
        @classmethod
        def make(cls):
            return cls()


    def plain():
        return 1
    '''
)


def run(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "<module>", "exec"), namespace)  # noqa: S102 - the test's own source
    return namespace


def test_a_decorated_function_is_registered_after_it_the_same_way():
    rewritten = undecorate(SOURCE)
    assert "@tag" not in rewritten and "@classmethod" in rewritten
    assert 'handler = tag("outer")(tag(\n    "inner",\n)(handler))' in rewritten
    before, after = run(SOURCE), run(rewritten)
    assert after["calls"] == before["calls"] == [("inner", "handler"), ("outer", "handler")]
    assert after["handler"].labels == ["inner", "outer"]
    assert after["handler"].__doc__ == "Its words."
    assert isinstance(after["Model"].make(), after["Model"])
    assert after["plain"]() == 1


def test_a_module_without_decorators_is_left_as_it_is():
    source = "def f():\n    return 1\n"
    assert undecorate(source) == source
