"""Grouping positions and words into lines, in the manner of pdfplumber's ``utils/clustering.py``.

The one place the extractors cluster geometry: grid lines from cell edges (PDF tables), ruling
positions (OCR tables), and words into text lines (PDF text and tables). Every function keeps the
order it is given where it has a choice: a stable sort, the first group that fits.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from operator import itemgetter
from typing import Any, TypeVar

T = TypeVar("T")


def group_in_order(items: Iterable[T], joins: Callable[[list[T], T], bool], lookback: int = 1) -> list[list[T]]:
    """``items``, in the order given, into groups: an item joins the newest of the last ``lookback``
    groups for which ``joins(group, item)`` holds, and starts a new group when none does."""
    groups: list[list[T]] = []
    for item in items:
        for group in reversed(groups[-lookback:]):
            if joins(group, item):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def cluster_objects(objects: Iterable[T], key: Hashable | Callable[[T], float], tolerance: float, *,
                    chain: bool = True) -> list[list[T]]:
    """``objects`` sorted by ``key`` (a callable, or an item key such as ``"top"``; stable) in clusters:
    an object joins the current cluster when its key is at most ``tolerance`` above that of the
    cluster's last member (``chain``, as pdfplumber's ``cluster_list``) or of its first member
    (``chain=False``: no cluster grows wider than ``tolerance``)."""
    get: Callable[[T], Any] = key if callable(key) else itemgetter(key)
    ref = -1 if chain else 0
    return group_in_order(sorted(objects, key=get), lambda group, obj: get(obj) - get(group[ref]) <= tolerance)


def cluster_list(values: Iterable[float], tolerance: float, *, chain: bool = True) -> list[list[float]]:
    """Sorted values in clusters, as ``cluster_objects`` with the values as their own keys."""
    return cluster_objects(values, lambda v: v, tolerance, chain=chain)


def lines_by_overlap(words: Iterable[dict], *, min_overlap: float = 0.5, lookback: int = 1) -> list[list[dict]]:
    """Words (pdfplumber dicts) into text lines, each left to right.

    In order of (top, x0), a word joins the newest of the last ``lookback`` lines whose first word
    it overlaps vertically by at least ``min_overlap`` of the lower of the two heights; otherwise it
    starts a line. Lines come out in the order they were started."""
    def joins(line: list[dict], word: dict) -> bool:
        ref = line[0]
        overlap = min(ref["bottom"], word["bottom"]) - max(ref["top"], word["top"])
        return overlap >= min_overlap * min(ref["bottom"] - ref["top"], word["bottom"] - word["top"])

    lines = group_in_order(sorted(words, key=lambda w: (w["top"], w["x0"])), joins, lookback)
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def lines_by_top(words: Iterable[dict], tolerance: float) -> list[list[dict]]:
    """Words into text lines, each left to right: in order of (rounded top, x0), a word joins the
    current line when its top is less than ``tolerance`` from that of the line's first word."""
    lines = group_in_order(sorted(words, key=lambda w: (round(w["top"]), w["x0"])),
                           lambda line, word: abs(line[0]["top"] - word["top"]) < tolerance)
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines
