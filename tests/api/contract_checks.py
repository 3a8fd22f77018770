"""A check schemathesis runs with its own (`--checks all` takes every registered check).

Some refusals of a schema-valid request are the API's to make and no schema can state: a text
whose language cannot be detected, an unknown target spelling, a feed that does not parse. The
contract test lets positive cases get 4xx for those; this check keeps the rest strict: a request
the schema allows never gets the validation layer's refusal."""

from __future__ import annotations

import schemathesis

# Refusals the schema states, so a schema-valid request must never get them.
SCHEMA_REFUSALS = {"invalid_json", "invalid_request", "text_too_large", "too_many_items"}


@schemathesis.check
def schema_valid_is_not_invalid(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code < 400:
        return None
    try:
        error = response.json().get("error")
    except ValueError:
        return None
    if not isinstance(error, dict):  # Ollama's shape has only a message
        return None
    validation = error.get("code") in SCHEMA_REFUSALS
    if error.get("type") is not None:  # OpenAI's shape: a body that does not validate names a param
        validation = validation and error.get("param") is not None
    if validation:
        raise AssertionError(
            f"A schema-valid request was refused {response.status_code} {error.get('code')}: "
            f"{error.get('message')}"
        )
    return None
