"""Walking every URL pattern of the project, for the access and leak tests."""

from collections.abc import Iterator, Mapping
from typing import Any

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse


def walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def all_patterns() -> list[tuple[str, URLPattern]]:
    return list(walk(get_resolver().url_patterns))


def parameters(pattern: URLPattern) -> set[str]:
    return set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)


def url_for(name: str, pattern: URLPattern, values: Mapping[str, object]) -> str:
    """Reverse `name` with the values its pattern takes."""
    kwargs = {k: v for k, v in values.items() if k in parameters(pattern)}
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a name registered twice (allauth): the other form takes a pk
        return reverse(name, kwargs={"pk": 999999})
