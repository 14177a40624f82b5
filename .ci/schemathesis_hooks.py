"""Schemathesis hooks for .ci/schemathesis.sh: the project's own check.

Every 4xx of the API is the error envelope (src/api/error.rs):
{"errors": [{"code": str, "detail": str, "detail_en": str}, ...]} with at least one entry,
sent as application/json.
"""

import schemathesis


@schemathesis.check
def error_envelope(ctx, response, case):
    """A 4xx answer is the JSON error envelope, whatever refused the request."""
    if not 400 <= response.status_code < 500:
        return None
    ctype = response.headers.get("content-type", [""])
    ctype = ctype[0] if isinstance(ctype, list) else ctype
    if not ctype.startswith("application/json"):
        raise AssertionError(
            f"{response.status_code} is not JSON (Content-Type {ctype!r}): {response.text[:200]!r}"
        )
    try:
        body = response.json()
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        raise AssertionError(f"{response.status_code} body is not JSON: {e}") from None
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        raise AssertionError(
            f"{response.status_code} body is not the envelope (no non-empty `errors`): {response.text[:200]!r}"
        )
    for item in errors:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item.get(k) for k in ("code", "detail", "detail_en")
        ):
            raise AssertionError(
                f"{response.status_code} envelope entry lacks code/detail/detail_en: {item!r}"
            )
    return None
