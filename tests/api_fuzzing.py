"""Schemathesis hooks shared by the standing schema test and `make fuzz`.

Generated ids are almost never ones that exist, so every operation would only ever answer
404. These hooks swap, in about half the cases, each id-like value for one that exists
(``KNOWN_IDS``, filled from tests/api_world.py), so the success paths and the permission
checks are exercised too. Date windows get a valid one the same way.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

KNOWN_IDS: dict[str, list[Any]] = {}
DATES = {"from": ["2026-10-01"], "to": ["2026-10-08"], "date": ["2026-10-01"]}


def _with_known(values: Any):
    if not isinstance(values, dict):
        return st.just(values)
    known = {**DATES, **KNOWN_IDS}
    keys = [key for key in values if key in known]
    if not keys:
        return st.just(values)
    choices = [st.one_of(st.just(values[key]), st.sampled_from(known[key])) for key in keys]
    return st.tuples(*choices).map(lambda picks: {**values, **dict(zip(keys, picks, strict=True))})


def prefer_known_ids(schema) -> None:
    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        return _with_known(path_parameters)

    @schema.hook
    def flatmap_query(context, query):
        return _with_known(query)

    @schema.hook
    def flatmap_body(context, body):
        return _with_known(body)
