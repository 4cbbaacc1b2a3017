"""Story ids from same-story edges: connected components (union-find).

Each component's id is its smallest member under ``key`` (by default the article id), so
the id depends only on the component's members, not on the order edges arrive in.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

T = TypeVar("T", bound=Hashable)


def components(nodes: Iterable[T], edges: Iterable[tuple[T, T]]) -> list[set[T]]:
    """The connected components of the graph (every node is in exactly one)."""
    parent: dict[T, T] = {node: node for node in nodes}

    def find(node: T) -> T:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[root_b] = root_a
    groups: dict[T, set[T]] = {}
    for node in parent:
        groups.setdefault(find(node), set()).add(node)
    return list(groups.values())


def _itself(node: Any) -> Any:
    return node


def story_ids(
    nodes: Iterable[T],
    edges: Iterable[tuple[T, T]],
    key: Callable[[T], Any] | None = None,
) -> dict[T, T]:
    """node -> its story id: the component's smallest member by ``key``
    (e.g. (published date, article id) for "the first publisher's article")."""
    out: dict[T, T] = {}
    for group in components(nodes, edges):
        first = min(group, key=key or _itself)
        for node in group:
            out[node] = first
    return out
