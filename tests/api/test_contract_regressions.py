"""What the contract fuzzing (test_contract.py) found, kept as plain tests with the inputs it
found: the published schema and the API now agree on each of them."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from service.settings import Settings
from tests.api.support import ENGLISH, app_with, assert_error, create_key, wait_ready
from tests.api.test_jobs import finished
from tests.fakes import FakeBackend


def body_schema(client: TestClient, path: str) -> Any:
    """A validator of the JSON body the schema documents for POST `path`."""
    document = client.get("/openapi.json").json()
    content = document["paths"][path]["post"]["requestBody"]["content"]
    schema = {**content["application/json"]["schema"], "components": document["components"]}
    return jsonschema_rs.validator_for(schema)


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/v1/summarize", {"text": ""}, 422, "invalid_request"),  # ST202
        ("/v1/detect", {"text": ""}, 422, "invalid_request"),  # ST202
        ("/v1/detect", {"text": "\x1c \u3000"}, 422, "invalid_request"),  # blank to Python
        ("/v1/jobs", {}, 422, "invalid_request"),  # ST202: no source
        ("/v1/jobs", {"feed": None, "feed_url": ""}, 422, "invalid_request"),  # ST202: two
        ("/v1/jobs", {"items": None}, 422, "invalid_request"),  # a null source is none
        ("/v1/jobs", {"items": [{"text": ENGLISH}], "feed": None}, 422, "invalid_request"),
        ("/v1/summarize", {"text": ENGLISH, "revision": 3}, 422, "invalid_request"),  # no story
        ("/v1/jobs", {"feed": "x", "webhook_secret": "whsec_short"}, 422, "invalid_request"),
        ("/v1/summarize", {"text": "x" * 2_001}, 413, "text_too_large"),  # maxLength
        ("/v1/summarize/batch", {"items": [{"text": ENGLISH}] * 5}, 413, "too_many_items"),
    ],
)
def test_the_schema_refuses_what_the_api_refuses(
    client: TestClient, path: str, body: dict[str, Any], status: int, code: str
) -> None:
    assert_error(client.post(path, json=body), status, code)
    assert not body_schema(client, path).is_valid(body)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/summarize", {"text": ENGLISH, "external_id": "story", "revision": 7288785.0}),
        ("/v1/summarize/batch", {"items": [{"text": ENGLISH}, 42, {"text": ""}]}),  # per item
        ("/v1/jobs", {"items": [{"text": ENGLISH}], "webhook_url": None}),
    ],
)
def test_the_api_takes_what_the_schema_allows(
    client: TestClient, path: str, body: dict[str, Any]
) -> None:
    assert body_schema(client, path).is_valid(body)
    response = client.post(path, json=body)
    assert response.status_code in (200, 202), response.text


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/v1/summarize", "POST"),  # ST204
        ("PUT", "/v1/jobs/some-job", "DELETE, GET"),  # two routes share the path
        ("GET", "/v1/jobs/some-job/cancel", "POST"),
        ("POST", "/healthz", "GET"),
        ("DELETE", "/docs", "GET"),  # a page the schema does not describe
    ],
)
def test_a_405_names_the_allowed_methods(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allow


def test_a_deleted_job_is_gone_and_cancel_is_its_own_action(client: TestClient) -> None:
    location = client.post("/v1/jobs", json={"items": [{"text": ENGLISH}]}).headers["location"]
    finished(client, location)
    assert_error(client.post(f"{location}/cancel"), 409, "job_finished")
    assert client.get(location).status_code == 200  # cancelling removes nothing
    deleted = client.delete(location)
    assert (deleted.status_code, deleted.content) == (204, b"")
    for gone in (client.get(location), client.get(f"{location}/results")):  # ST301
        assert_error(gone, 404, "job_not_found")


def test_a_huge_results_offset_is_refused_not_a_server_error(client: TestClient) -> None:
    location = client.post("/v1/jobs", json={"items": [{"text": ENGLISH}]}).headers["location"]
    huge = 280288664379281956798950054710084632576  # the offset the fuzzer sent
    assert_error(client.get(f"{location}/results?offset={huge}"), 422, "invalid_request")
    assert client.get(f"{location}/results?offset={2**31 - 1}").json()["items"] == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/chat", {"model": "lingosum-summary-en", "options": {"num_predict": False}}),
        ("/api/generate", {"model": "lingosum-summary-en", "stream": "yes"}),
        ("/v1/chat/completions", {"model": "lingosum-summary-en", "messages": [], "n": 1}),
        (
            "/v1/chat/completions",
            {"model": "lingosum-summary-en", "messages": [{"role": "user"}], "max_tokens": 0},
        ),
    ],
)
def test_compatible_bodies_of_the_wrong_type_are_refused(
    client: TestClient, path: str, body: dict[str, Any]
) -> None:
    assert client.post(path, json=body).status_code == 400  # what OpenAI and Ollama send
    assert not body_schema(client, path).is_valid(body)


def test_the_job_links_lead_from_a_new_job_to_its_operations(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    links = document["paths"]["/v1/jobs"]["post"]["responses"]["202"]["links"]
    operations = {
        operation["operationId"]: (path, method)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert {operations[link["operationId"]] for link in links.values()} == {
        ("/v1/jobs/{job_id}", "get"),
        ("/v1/jobs/{job_id}/results", "get"),
        ("/v1/jobs/{job_id}/cancel", "post"),
        ("/v1/jobs/{job_id}", "delete"),
    }
    assert all(link["parameters"] == {"job_id": "$response.body#/id"} for link in links.values())


def test_every_error_an_operation_documents_has_its_error_shape(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    shapes = {"ErrorBody", "OpenAIErrorBody", "OllamaErrorBody"}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            errors = {s: r for s, r in operation["responses"].items() if s.startswith(("4", "5"))}
            assert errors or path == "/api/version", (method, path)
            for status, response in errors.items():
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[-1] in shapes, (method, path, status)
            if "401" in errors:
                assert operation["security"] == [{"bearer": []}], (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_the_key_is_documented_as_a_bearer_token(
    settings: Settings, backend: FakeBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    key = create_key(settings.data_dir, capsys, "reader")
    with app_with(settings, backend) as keyed:
        wait_ready(keyed)
        scheme = keyed.get("/openapi.json").json()["components"]["securitySchemes"]["bearer"]
        assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
        assert_error(keyed.post("/v1/detect", json={"text": ENGLISH}), 401, "unauthorized")
        answer = keyed.post(
            "/v1/detect", json={"text": ENGLISH}, headers={"Authorization": f"Bearer {key}"}
        )
        assert answer.status_code == 200
