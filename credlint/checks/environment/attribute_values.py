"""What an attribute read may hold, for CL202: `self.key`, `cls.KEY`, `Settings.KEY`, `settings.key`.

Followed only on objects of a class of this module: `self` and `cls` in its methods, the class
itself, and a name bound once to one construction of it (directly, or returned by a helper such
as `get_settings()`). The values are every value the module gives the attribute on that class,
its bases and its subclasses in the module: class-body assignments, `@property` returns and
`obj.attr = ...` on any of them. A write the module cannot tie to a class (on an object of unknown
origin, setattr with a computed name) stops the following; so does a field that a constructor may
fill (dataclasses, pydantic models) on an object constructed out of sight. pydantic-settings
classes read each field from the environment themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import bindings_of, qualified_names
from credlint.analysis.literals import fold_string, simple_string_text
from credlint.analysis.syntax_children import code_children
from credlint.checks.environment.helper_functions import helper_function, returned_values

# ref. pydantic-settings docs, Settings Management: the initialiser reads each field not passed as a
# keyword argument from the environment variable named after it (env_prefix + name, case-insensitive
# by default) or after its alias; the default applies when the variable is unset.
SETTINGS_BASES = frozenset(
    {
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "pydantic.BaseSettings",
        "pydantic.v1.BaseSettings",
    }
)
FIELD_FUNCTIONS = frozenset({"pydantic.Field", "pydantic.fields.Field", "pydantic.v1.Field"})
# pydantic v2 names the variable with validation_alias or alias, pydantic v1 with env.
FIELD_VARIABLE_KEYWORDS = ("validation_alias", "alias", "env")
PROPERTY_DECORATORS = frozenset({"builtins.property", "functools.cached_property"})
MAX_DEPTH = 6


@dataclass(frozen=True)
class SettingsField:
    """A pydantic-settings field: the class reads it from the environment when it is constructed."""

    node: cst.Name  # the field where it is declared
    variable: Optional[str]  # None when the name or the prefix is not folded here
    default: Optional[cst.BaseExpression]  # None for a required field


@dataclass(frozen=True)
class AttributeValues:
    """Every value an attribute may hold: each must carry the credential for the attribute to count."""

    key: tuple[str, frozenset[cst.ClassDef]]  # the attribute, and the classes whose values were taken
    values: tuple[cst.BaseExpression, ...]
    fields: tuple[SettingsField, ...]


@dataclass(frozen=True)
class _Member:
    """A name a class body binds: an assignment (annotated or not), or a method."""

    target: cst.Name
    value: Optional[cst.BaseExpression]
    annotated: bool = False
    method: Optional[cst.FunctionDef] = None


@dataclass(frozen=True)
class _Object:
    """What an attribute is read on: a class of the module, itself (or `cls`), an instance seen
    only through `self`, or one visible construction."""

    cls: cst.ClassDef
    construction: Optional[cst.Call] = None
    through_self: bool = False


class _Collector:
    """One walk over the module (through node fields: no LibCST visit): its classes' members, its
    methods' first parameters and every write to an attribute."""

    def __init__(self, module: cst.Module) -> None:
        self.members: dict[cst.ClassDef, dict[str, list[_Member]]] = {}
        self.first_parameters: dict[cst.Param, tuple[cst.ClassDef, cst.FunctionDef]] = {}
        self.writes: list[tuple[cst.BaseExpression, str, Optional[cst.BaseExpression]]] = []
        self.setattr_calls: list[cst.Call] = []
        # Each node with the class whose body holds it directly (None inside a function).
        pending: list[tuple[cst.CSTNode, Optional[cst.ClassDef]]] = [(module, None)]
        while pending:
            node, owner = pending.pop()
            if isinstance(node, cst.ClassDef):
                self.members[node] = _members(node)
                owner = node
            elif isinstance(node, (cst.FunctionDef, cst.Lambda)):
                if isinstance(node, cst.FunctionDef):
                    parameters = [*node.params.posonly_params, *node.params.params]
                    if owner is not None and parameters:
                        self.first_parameters[parameters[0]] = (owner, node)
                owner = None
            else:
                self._note_writes(node)
            pending.extend((child, owner) for child in code_children(node))

    def _note_writes(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Assign):
            for target in node.targets:
                self._note(target.target, node.value)
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            self._note(node.target, node.value)
        elif isinstance(node, (cst.AugAssign, cst.For, cst.CompFor)):
            self._note(node.target, None)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            self._note(node.asname.name, None)
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "setattr":
            self.setattr_calls.append(node)

    def _note(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        """A write to each attribute in target, with the part of value it takes (None: not known)."""
        if isinstance(target, cst.Attribute):
            self.writes.append((target.value, target.attr.value, value))
        elif isinstance(target, cst.StarredElement):
            self._note(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element, part in zip(target.elements, _paired(target, value)):
                self._note(element.value, part)


def _members(node: cst.ClassDef) -> dict[str, list[_Member]]:
    """What the class body binds, in `if` and `try` blocks too; a value not known here (`KEY += ...`,
    an unpacked call) is None on an unannotated member."""
    members: dict[str, list[_Member]] = {}

    def bind(target: cst.BaseExpression, value: Optional[cst.BaseExpression], annotated: bool = False) -> None:
        if isinstance(target, cst.Name):
            members.setdefault(target.value, []).append(_Member(target, value, annotated))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element, part in zip(target.elements, _paired(target, value)):
                bind(element.value, part)

    pending = code_children(node.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, cst.FunctionDef):
            members.setdefault(statement.name.value, []).append(_Member(statement.name, None, method=statement))
            continue
        if isinstance(statement, (cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(statement, cst.Assign):
            for target in statement.targets:
                bind(target.target, statement.value)
        elif isinstance(statement, cst.AnnAssign):
            bind(statement.target, statement.value, annotated=True)
        elif isinstance(statement, cst.AugAssign):
            bind(statement.target, None)
        pending.extend(code_children(statement))
    return members


def _paired(
    target: cst.Tuple | cst.List, value: Optional[cst.BaseExpression]
) -> Sequence[Optional[cst.BaseExpression]]:
    """The part of value each element of target takes, `a, b = 1, 2`; None where it is not known."""
    if (
        isinstance(value, (cst.Tuple, cst.List))
        and len(value.elements) == len(target.elements)
        and not any(isinstance(element, cst.StarredElement) for element in value.elements)
    ):
        return [element.value for element in value.elements]
    return [None] * len(target.elements)


class ModuleAttributes:
    """The attribute values of one module, collected on the first question."""

    def __init__(self, owner: cst.MetadataDependent, module: cst.Module) -> None:
        self._owner = owner
        self._module = module
        self._collected: Optional[_Collector] = None
        self._ancestors: dict[cst.ClassDef, tuple[cst.ClassDef, ...]] = {}

    def values_of(self, expr: cst.Attribute, depth: int = 0) -> Optional[AttributeValues]:
        """Every value expr may hold, or None when its object or one of its writes is not known here."""
        found = self._object(expr.value, depth)
        if found is None:
            return None
        name = expr.attr.value
        family = self._family(found.cls)
        values: list[cst.BaseExpression] = []
        fields: list[SettingsField] = []
        for cls in family:
            settings, field_class = self._is_settings(cls), self._has_fields(cls)
            for member in self._facts().members[cls].get(name, ()):
                if member.method is not None:
                    if not self._is_property(member.method):
                        return None
                    values.extend(returned_values(member.method))
                elif member.annotated and field_class and not _built_without(found, name):
                    return None
                elif member.annotated and settings:
                    fields.append(self._settings_field(cls, member))
                elif member.value is not None:
                    values.append(member.value)
                elif field_class or not member.annotated:
                    return None  # a field the constructor fills, or a value not known here
        written = self._written(name, family, depth)
        if written is None:
            return None
        values.extend(written)
        if not values and not fields:
            return None
        return AttributeValues((name, frozenset(family)), tuple(values), tuple(fields))

    def _facts(self) -> _Collector:
        if self._collected is None:
            self._collected = _Collector(self._module)
        return self._collected

    def _written(self, name: str, family: Sequence[cst.ClassDef], depth: int) -> Optional[list[cst.BaseExpression]]:
        """The values `obj.name = ...` and setattr give the family; None when one is not known."""
        facts = self._facts()
        writes = [write for write in facts.writes if write[1] == name]
        for call in facts.setattr_calls:
            if "builtins.setattr" not in qualified_names(self._owner, call.func):
                continue
            arguments = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
            if len(arguments) != len(call.args) or len(arguments) != 3:
                return None
            attribute = fold_string(self._owner, arguments[1])
            if attribute is None:
                return None
            if attribute == name:
                writes.append((arguments[0], attribute, arguments[2]))
        values: list[cst.BaseExpression] = []
        for obj, _, value in writes:
            found = self._object(obj, depth + 1)
            if found is None:
                return None
            if found.cls not in family:
                continue
            if value is None:
                return None
            values.append(value)
        return values

    def _object(self, expr: cst.BaseExpression, depth: int) -> Optional[_Object]:
        """The class of the module whose object expr is, and how it was reached."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(expr, cst.Call):
            return self._constructed(expr, depth + 1)
        if isinstance(expr, cst.Attribute):
            held = self.values_of(expr, depth + 1)
            if held is None or held.fields or len(held.values) != 1:
                return None
            return self._constructed(held.values[0], depth + 1)
        if not isinstance(expr, cst.Name):
            return None
        bindings = list(bindings_of(self._owner, expr))
        if len(bindings) != 1:
            return None
        node, value = bindings[0].node, bindings[0].value
        facts = self._facts()
        if isinstance(node, cst.Param) and node in facts.first_parameters:
            cls, method = facts.first_parameters[node]
            kind = self._decorated_as(method)
            if "builtins.staticmethod" in kind:
                return None
            return _Object(cls, through_self="builtins.classmethod" not in kind)
        if isinstance(node, cst.ClassDef) and node in facts.members:
            return _Object(node)
        return self._constructed(value, depth + 1) if value is not None else None

    def _constructed(self, expr: cst.BaseExpression, depth: int) -> Optional[_Object]:
        """`Settings()`, `get_settings()` that returns one, or a name bound to either."""
        if isinstance(expr, cst.Name):
            return self._object(expr, depth)
        if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name)):
            return None
        classes = [binding.node for binding in bindings_of(self._owner, expr.func)]
        if len(classes) == 1 and isinstance(classes[0], cst.ClassDef) and classes[0] in self._facts().members:
            return _Object(classes[0], construction=expr)
        helper = helper_function(self._owner, expr.func)
        returned = list(returned_values(helper)) if helper is not None else []
        return self._constructed(returned[0], depth + 1) if len(returned) == 1 else None

    def _decorated_as(self, function: cst.FunctionDef) -> set[str]:
        return {name for decorator in function.decorators for name in qualified_names(self._owner, decorator.decorator)}

    def _is_property(self, function: cst.FunctionDef) -> bool:
        return bool(self._decorated_as(function) & PROPERTY_DECORATORS)

    def _module_class(self, expr: cst.BaseExpression) -> Optional[cst.ClassDef]:
        if not isinstance(expr, cst.Name):
            return None
        nodes = [binding.node for binding in bindings_of(self._owner, expr)]
        if len(nodes) == 1 and isinstance(nodes[0], cst.ClassDef) and nodes[0] in self._facts().members:
            return nodes[0]
        return None

    def _lineage(self, cls: cst.ClassDef) -> tuple[cst.ClassDef, ...]:
        """The class and its bases that are classes of this module, nearest first."""
        if cls not in self._ancestors:
            self._ancestors[cls] = ()  # a cycle of names ends here
            found: list[cst.ClassDef] = [cls]
            for base in cls.bases:
                parent = self._module_class(base.value)
                if parent is not None:
                    found.extend(ancestor for ancestor in self._lineage(parent) if ancestor not in found)
            self._ancestors[cls] = tuple(found)
        return self._ancestors[cls] or (cls,)

    def _family(self, cls: cst.ClassDef) -> list[cst.ClassDef]:
        """The class, its bases and its subclasses in the module: any of them may set the attribute."""
        descendants = [other for other in self._facts().members if other is not cls and cls in self._lineage(other)]
        return list(dict.fromkeys((*self._lineage(cls), *descendants)))

    def _bases_outside(self, cls: cst.ClassDef) -> Iterator[cst.Arg]:
        for ancestor in self._lineage(cls):
            for base in ancestor.bases:
                if self._module_class(base.value) is None:
                    yield base

    def _has_fields(self, cls: cst.ClassDef) -> bool:
        """Annotated class attributes may be constructor fields: a decorated class (dataclass, attrs)
        or one with a base, keyword or metaclass from elsewhere (pydantic, NamedTuple)."""
        lineage = self._lineage(cls)
        if any(ancestor.decorators or ancestor.keywords for ancestor in lineage):
            return True
        bases = self._bases_outside(cls)
        return any("builtins.object" not in qualified_names(self._owner, base.value) for base in bases)

    def _is_settings(self, cls: cst.ClassDef) -> bool:
        return any(qualified_names(self._owner, base.value) & SETTINGS_BASES for base in self._bases_outside(cls))

    def _settings_field(self, cls: cst.ClassDef, member: _Member) -> SettingsField:
        value = member.value
        default = value
        variable: Optional[str] = None
        named = False
        if isinstance(value, cst.Call) and qualified_names(self._owner, value.func) & FIELD_FUNCTIONS:
            keywords = {arg.keyword.value: arg.value for arg in value.args if arg.keyword is not None}
            positional = [arg.value for arg in value.args if arg.keyword is None and not arg.star]
            default = keywords.get("default", keywords.get("default_factory", positional[0] if positional else None))
            for keyword in FIELD_VARIABLE_KEYWORDS:
                if keyword in keywords:
                    variable, named = fold_string(self._owner, keywords[keyword]), True
                    break
        if isinstance(default, cst.Ellipsis):
            default = None
        if not named:
            prefix = self._env_prefix(cls)
            variable = f"{prefix}{member.target.value}".upper() if prefix is not None else None
        return SettingsField(member.target, variable, default)

    def _env_prefix(self, cls: cst.ClassDef) -> Optional[str]:
        """env_prefix from the class keywords, `model_config` or an inner `class Config`: "" when
        none is set, None when it is not folded here."""
        for ancestor in self._lineage(cls):
            for value in _prefix_settings(ancestor):
                return fold_string(self._owner, value)
        return ""


def _prefix_settings(cls: cst.ClassDef) -> Iterator[cst.BaseExpression]:
    """Where a pydantic-settings class sets env_prefix, in the order pydantic reads them."""
    yield from (arg.value for arg in cls.keywords if arg.keyword is not None and arg.keyword.value == "env_prefix")
    for member in _members(cls).get("model_config", ()):
        value = member.value
        if isinstance(value, cst.Call):
            yield from (arg.value for arg in value.args if arg.keyword and arg.keyword.value == "env_prefix")
        elif isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement) and _is_text(element.key, "env_prefix"):
                    yield element.value
    for statement in cls.body.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
            for member in _members(statement).get("env_prefix", ()):
                if member.value is not None:
                    yield member.value


def _built_without(found: _Object, name: str) -> bool:
    """The object's constructor cannot have filled the field: the class itself, or a visible
    construction that passes no positional argument, no spread and no keyword of that name."""
    if found.through_self:
        return False
    if found.construction is None:
        return True
    return not any(arg.star or arg.keyword is None or arg.keyword.value == name for arg in found.construction.args)


def _is_text(expr: cst.BaseExpression, text: str) -> bool:
    return isinstance(expr, cst.SimpleString) and simple_string_text(expr) == text
