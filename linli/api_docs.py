"""Each operation's error responses in the OpenAPI schema, derived from what it takes.

Every error body is ``ErrorOut`` (linli/api_errors.py). Which statuses an operation can
answer follows from its shape, so a new endpoint is documented without extra work:

- 422 when it takes any input (path, query or body): validation and domain errors;
- 400, 413, 415 when it takes a body: unparseable JSON, too large, not JSON;
- 401 and 403 when it needs authentication (no token, no permission, no consent, CSRF),
  403 also for anonymous writes (CSRF);
- 404 when it takes any input (the object, or one the input refers to, may not exist);
- 409 for writes (a conflicting state: duplicates, overlaps, changes that need an answer);
- 415 for anonymous writes too, which take JSON only.

Operations that are throttled say so in their decorator::

    @router.post("/otp/request", openapi_extra=errors(429))
"""

from __future__ import annotations

from typing import Any

from linli.api_errors import ErrorOut

ERROR_REF = "#/components/schemas/ErrorOut"
DESCRIPTIONS = {
    400: "Unreadable request (invalid_json, bad_request)",
    401: "Not signed in, or no valid API token (unauthenticated)",
    403: "Not allowed (forbidden, csrf_failed, consent_required, ...)",
    404: "Not found (not_found, or a code naming what is missing)",
    409: "Conflicts with the current state (duplicate, scene_overlap, ...)",
    413: "Request body too large (payload_too_large)",
    415: "Body is not JSON (unsupported_media_type)",
    422: "Invalid input: per-field messages in `fields` (invalid, date_out_of_range, ...)",
    429: "Too many requests (rate_limited, cooldown, ...); see Retry-After",
    503: "A service Linli depends on failed (sms_failed); try again later",
}
WRITES = {"post", "put", "patch", "delete"}


def errors(*statuses: int) -> dict:
    """``openapi_extra`` for statuses the shape of an operation does not imply (429)."""
    return {"responses": {status: {"description": DESCRIPTIONS[status]} for status in statuses}}


def _statuses(method: str, operation: dict) -> set[int]:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    has_input = bool(parameters) or has_body
    statuses: set[int] = set()
    if has_input:
        statuses |= {404, 422}
    if has_body:
        statuses |= {400, 413, 415}
    if operation.get("security"):
        statuses |= {401, 403}
    if method in WRITES:
        statuses |= {403, 409}
        if not operation.get("security"):
            # Anonymous writes that sign a browser in insist on JSON (csrf_protect_anonymous).
            statuses.add(415)
    return statuses


def _error_response(status: int) -> dict:
    return {
        "description": DESCRIPTIONS.get(status, "Error"),
        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
    }


def document_errors(schema: Any) -> Any:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    for path in schema.get("paths", {}).values():
        for method, operation in path.items():
            if method not in WRITES | {"get", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            declared = {int(status) for status in responses if str(status).isdigit()}
            for status in sorted(_statuses(method, operation) | {s for s in declared if s >= 400}):
                existing = responses.get(status, responses.get(str(status), {}))
                responses.pop(str(status), None)
                if "content" not in existing:
                    responses[status] = _error_response(status)
                else:
                    responses[status] = existing
            operation["responses"] = dict(sorted(responses.items(), key=lambda i: str(i[0])))
    return schema
