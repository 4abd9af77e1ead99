"""What makes a module a Lambda function's code, where the runtime sets AWS_DEFAULT_REGION.

ref. the Lambda Python runtime calls `handler(event, context)`; the console's default names.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

LAMBDA_HANDLER_NAMES = ("handler", "lambda_handler")
LAMBDA_HANDLER_PARAMETERS = ["event", "context"]


def is_lambda_handler(statement: ast.stmt) -> bool:
    """A module-level function named like a Lambda handler, or taking (event, context)."""
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return has_handler_signature(statement.name, [arg.arg for arg in statement.args.args])


def has_handler_signature(name: str, parameters: Sequence[str]) -> bool:
    """Named like a Lambda handler, or taking (event, context), `_event` and `_context` too."""
    return (
        name in LAMBDA_HANDLER_NAMES or [parameter.lstrip("_") for parameter in parameters] == LAMBDA_HANDLER_PARAMETERS
    )
