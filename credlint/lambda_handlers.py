"""What makes a module a Lambda function's code, where the runtime sets AWS_DEFAULT_REGION.

ref. the Lambda Python runtime calls `handler(event, context)`; the console's default names.
"""

from __future__ import annotations

import ast

LAMBDA_HANDLER_NAMES = ("handler", "lambda_handler")
LAMBDA_HANDLER_PARAMETERS = ["event", "context"]


def is_lambda_handler(statement: ast.stmt) -> bool:
    """A module-level function named like a Lambda handler, or taking (event, context)."""
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    parameters = [arg.arg.lstrip("_") for arg in statement.args.args]
    return statement.name in LAMBDA_HANDLER_NAMES or parameters == LAMBDA_HANDLER_PARAMETERS
