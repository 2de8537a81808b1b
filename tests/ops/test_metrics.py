"""Prometheus metrics: behind a token on the main port, or on a port of their own."""

import json
import signal
from pathlib import Path

import httpx
from pydantic import SecretStr

from tests.helpers import ServerProcess, clean_env, free_port
from tests.ops.conftest import ClientFactory


async def test_without_token_or_port_there_is_no_metrics_endpoint(
    make_client: ClientFactory,
) -> None:
    async with make_client() as http:
        assert (await http.get("/metrics")).status_code == 404


async def test_the_token_opens_metrics_on_the_main_port(make_client: ClientFactory) -> None:
    async with make_client(metrics_token=SecretStr("s3cret-token")) as http:
        await http.get("/.well-known/webfinger", params={"resource": "acct:nobody@social.test"})
        refused = await http.get("/metrics")
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
        scraped = await http.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert refused.status_code == wrong.status_code == 401
    assert refused.json() == {"error": "a valid bearer token is required"}
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    assert (
        'fediverse_http_requests_total{method="GET",route="/.well-known/webfinger",status="404"}'
        in text
    )
    assert "fediverse_http_request_duration_seconds_bucket" in text
    assert 'fediverse_inbox_queue_items{state="received"} 0.0' in text
    assert "fediverse_database_up 1.0" in text
    assert "fediverse_migrations_pending 0.0" in text
    assert "process_resident_memory_bytes" in text


def test_a_separate_metrics_port_and_json_logs_with_request_ids(
    database_url: str, tmp_path: Path
) -> None:
    port, metrics_port = free_port(), free_port()
    env = clean_env(
        DATABASE_URL=database_url,
        FEDIVERSE_DOMAIN=f"localhost:{port}",
        FEDIVERSE_SCHEME="http",
        FEDIVERSE_PORT=str(port),
        FEDIVERSE_METRICS_PORT=str(metrics_port),
        FEDIVERSE_LOG_FORMAT="json",
    )
    server = ServerProcess(port, env, tmp_path).start()
    try:
        answered = httpx.get(f"{server.base_url}/nodeinfo/2.1")
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")
        on_main_port = httpx.get(f"{server.base_url}/metrics")
    finally:
        assert server.stop() in (0, -signal.SIGTERM)
    assert scraped.status_code == 200
    assert 'route="/nodeinfo/2.1"' in scraped.text
    assert on_main_port.status_code == 404
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    assert lines, server.log()
    [access] = [e for e in lines if e.get("path") == "/nodeinfo/2.1"]
    assert access["request_id"] == answered.headers["x-request-id"]
    assert access["logger"] == "fediverse.access"
    assert access["status"] == 200
    assert any(f"127.0.0.1:{metrics_port}" in e["message"] for e in lines)
