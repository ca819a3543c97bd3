"""Read-only containers for figures shared between requests: a page that changed them would change what the next
request sees. Copy them to change them (`copy.deepcopy` gives plain dicts and lists)."""

from __future__ import annotations

import copy


def _read_only(self, *_args, **_kwargs):
    raise TypeError("figures are shared between requests and cannot be changed: copy.deepcopy them first")


class FrozenDict(dict):
    """A dict that refuses to change (JSON, templates and comparisons see a plain dict)."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        return {key: copy.deepcopy(value, memo) for key, value in self.items()}

    def __reduce__(self):
        return dict, (dict(self),)


class FrozenList(list):
    """A list that refuses to change."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = append = clear = extend = insert = pop = remove = _read_only
    reverse = sort = _read_only

    def __copy__(self):
        return list(self)

    def __deepcopy__(self, memo):
        return [copy.deepcopy(value, memo) for value in self]

    def __reduce__(self):
        return list, (list(self),)


_CONTAINERS = (dict, list, tuple)


def freeze(value):
    """The same figures as FrozenDict and FrozenList all the way down. Done once when figures are computed or read
    from the table (for a 1 MB campaign about 80 ms, twice parsing its JSON), instead of a copy for every request
    (a deep copy of the same took 134 ms)."""
    if isinstance(value, dict):
        return FrozenDict({key: freeze(item) if isinstance(item, _CONTAINERS) else item for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return FrozenList([freeze(item) if isinstance(item, _CONTAINERS) else item for item in value])
    return value
