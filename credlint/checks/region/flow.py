"""Whether something a module does to give clients a region runs before a given client.

An AWS_DEFAULT_REGION write, a load_dotenv() or a setup_default_session() helps a client only when
it runs first on the client's path: at module level, above a module-level client and before any
function runs; in a function, above the client in that function, or in code that runs the
function before the one that makes the client (a `main()` that configures, then runs). A write
in a sibling function that nothing runs first proves nothing. Test set-up runs first by
construction: `setUp` and its kin, `__init__` for the other methods of its class, autouse
fixtures, and the fixtures a test names as parameters or in `usefixtures`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from credlint.rule import Rule

_SELF = ("self", "cls")
# unittest, pytest and nose set-up, and the constructor, run before the other methods of a class.
SETUP_METHODS = frozenset(
    {"setUp", "asyncSetUp", "setUpClass", "setup_method", "setup_class", "setup", "__init__", "__post_init__"}
)
SETUP_FUNCTIONS = frozenset({"setUpModule", "setup_module", "setup_function"})

Step = tuple[str, cst.CSTNode]  # a function of the module run by name, and where


@dataclass
class ModuleFlow:
    """Where the region facts and clients of a module sit, and which of its functions run which."""

    enclosing: dict[cst.CSTNode, Optional[cst.FunctionDef]] = field(default_factory=dict)  # None: module level
    # What each function (None: the module's own code) runs by name: f(...), self.f(...), and the
    # fixtures it names, which pytest runs before it (placed at the def).
    steps: dict[Optional[cst.FunctionDef], list[Step]] = field(default_factory=dict)
    definitions: dict[str, list[cst.FunctionDef]] = field(default_factory=dict)
    # Functions that run before the others of their class (the class), or of the module (None).
    first: dict[cst.FunctionDef, Optional[cst.ClassDef]] = field(default_factory=dict)
    _reach: dict[cst.FunctionDef, set[cst.FunctionDef]] = field(default_factory=dict)

    def note(self, node: cst.CSTNode, function: Optional[cst.FunctionDef]) -> None:
        self.enclosing[node] = function

    def note_function(self, function: cst.FunctionDef, owner: Optional[cst.ClassDef]) -> None:
        self.definitions.setdefault(function.name.value, []).append(function)
        steps = self.steps.setdefault(function, [])
        parameters = function.params
        for param in (*parameters.posonly_params, *parameters.params, *parameters.kwonly_params):
            steps.append((param.name.value, function))
        for decorator in function.decorators:
            steps.extend((name, function) for name in _fixtures_used(decorator.decorator))
        name = function.name.value
        set_up = name in SETUP_METHODS if owner is not None else name in SETUP_FUNCTIONS
        if set_up or any(_is_autouse_fixture(decorator.decorator) for decorator in function.decorators):
            self.first[function] = owner

    def note_call(self, call: cst.Call, function: Optional[cst.FunctionDef]) -> None:
        func = call.func
        if isinstance(func, cst.Name):
            self.steps.setdefault(function, []).append((func.value, call))
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in _SELF:
            self.steps.setdefault(function, []).append((func.attr.value, call))

    def runs_before(self, owner: Rule, fact: cst.CSTNode, client: cst.Call) -> bool:
        """Whether fact runs before client on the client's path."""
        writer, maker = self.enclosing.get(fact), self.enclosing.get(client)
        fact_line, client_line = owner.line_of(fact), owner.line_of(client)
        if writer is None:
            return maker is not None or fact_line < client_line
        if writer in self.first and maker is not None:
            scope = self.first[writer]
            if scope is None or owner.within(client, scope):
                return True
        if owner.within(client, writer) and fact_line < client_line:
            return True
        for code, steps in self.steps.items():
            # Where this code has run the fact at the latest, if it does.
            starts = [fact_line] if code is writer else []
            starts += [owner.line_of(at) for name, at in steps if self._runs(name, writer)]
            if not starts:
                continue
            first = min(starts)
            in_code = maker is None if code is None else owner.within(client, code)
            if in_code and first < client_line:
                return True
            if any(owner.line_of(at) > first and self._runs(name, maker) for name, at in steps):
                return True
        return False

    def _runs(self, name: str, function: Optional[cst.FunctionDef]) -> bool:
        """Whether running the module's function `name` runs function, itself or through others."""
        if function is None:
            return False
        return any(
            definition is function or function in self._reached(definition)
            for definition in self.definitions.get(name, [])
        )

    def _reached(self, function: cst.FunctionDef) -> set[cst.FunctionDef]:
        """Every function of the module that function may run."""
        if function not in self._reach:
            reached: set[cst.FunctionDef] = set()
            pending = [function]
            while pending:
                for name, _ in self.steps.get(pending.pop(), []):
                    for definition in self.definitions.get(name, []):
                        if definition not in reached:
                            reached.add(definition)
                            pending.append(definition)
            self._reach[function] = reached
        return self._reach[function]


def _fixture_call(decorator: cst.BaseExpression) -> Optional[cst.Call]:
    name = cst.helpers.get_full_name_for_node(decorator) or ""
    return decorator if isinstance(decorator, cst.Call) and name.rsplit(".", 1)[-1] == "fixture" else None


def _is_autouse_fixture(decorator: cst.BaseExpression) -> bool:
    call = _fixture_call(decorator)
    return call is not None and any(
        arg.keyword is not None and arg.keyword.value == "autouse" and _is_true(arg.value) for arg in call.args
    )


def _is_true(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "True"


def _fixtures_used(decorator: cst.BaseExpression) -> list[str]:
    """The fixtures `@pytest.mark.usefixtures("a", "b")` names."""
    name = cst.helpers.get_full_name_for_node(decorator) or ""
    if not isinstance(decorator, cst.Call) or not name.endswith("usefixtures"):
        return []
    return [
        arg.value.evaluated_value
        for arg in decorator.args
        if isinstance(arg.value, cst.SimpleString) and isinstance(arg.value.evaluated_value, str)
    ]
