"""Metrics as the API's JSON (metrics.schemas)."""

from __future__ import annotations

from dataclasses import asdict

from metrics.selectors import Metrics


def metrics_payload(metrics: Metrics, *, period: bool = False) -> dict:
    data = asdict(metrics)
    start, end = data.pop("start"), data.pop("end")
    data["cohorts"] = [{**c, "retention": list(c["retention"])} for c in data["cohorts"]]
    if period:
        data = {"from": start, "to": end, **data}
    return data
