"""Evaluate an indicator's formula (`(B + D) / (A + C) * 100`) over its components, safely."""

from __future__ import annotations

import ast
import operator

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def evaluate(formula: str, values: dict[str, float]) -> float | None:
    """The formula's value, or None when a component is missing or a denominator is zero."""
    try:
        return _eval(ast.parse(formula, mode="eval").body, values)
    except (KeyError, ZeroDivisionError):
        return None


def _eval(node, values):
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left, values), _eval(node.right, values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, values)
    if isinstance(node, ast.Name):
        return float(values[node.id])
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    raise ValueError(f"unsupported formula element: {ast.dump(node)}")


def decimals_of(text: str) -> int:
    """How many decimals a stated number shows (`12.34%` → 2): the precision to compare at."""
    import re

    match = re.search(r"\d+\.(\d+)(?!.*\d)", text or "")
    return len(match.group(1)) if match else 0
