"""deploy/nginx.conf with Debian's nginx: `nginx -t`, then our app served through it."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.deploy.conftest import CLIENT_ADDRESS, access_line, client_from_second_address
from tests.deploy.proxies import (
    nginx_running,
    render_nginx_site,
    require_binary,
    write_nginx_main,
)
from tests.helpers import ServerProcess, free_port

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("trusted", [True, False], ids=["trusted-proxy", "untrusted-proxy"])
def test_nginx_serves_the_app_with_forwarded_headers(
    start_app: Callable[..., ServerProcess], tmp_path: Path, trusted: bool
) -> None:
    nginx = require_binary("nginx")
    app = start_app(trusted_proxies="127.0.0.1/32" if trusted else "")
    http_port, https_port = free_port(), free_port()
    site = render_nginx_site(
        tmp_path, http_port=http_port, https_port=https_port, app_port=app.port
    )
    conf = write_nginx_main(tmp_path, site)
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    with (
        nginx_running(nginx, tmp_path, conf, https_port=https_port) as base,
        client_from_second_address() as http,
    ):
        answer = http.get(
            base + "/.well-known/nodeinfo",
            headers={
                "Host": "social.example",
                "X-Forwarded-For": "6.6.6.6",
                "X-Request-Id": "chosen-by-the-client",
            },
        )
        plain = http.get(f"http://127.0.0.1:{http_port}/groups/x")
        metrics = http.get(base + "/metrics")
        too_large = http.post(base + "/inbox", content=b"x" * (3 * 1024 * 1024))
    assert answer.status_code == 200
    assert answer.json()["links"][0]["href"] == "https://social.example/nodeinfo/2.1"
    assert "max-age" in answer.headers["strict-transport-security"]
    rid = answer.headers["x-request-id"]
    line = access_line(app, rid)
    if trusted:
        assert re.fullmatch(r"[0-9a-f]{32}", rid), "nginx's $request_id"
        assert line["client"] == CLIENT_ADDRESS, "the spoofed 6.6.6.6 is ignored"
        assert (line["forwarded_proto"], line["forwarded_host"]) == ("https", "social.example")
    else:
        assert line["client"] == "127.0.0.1", "an untrusted proxy's headers are ignored"
        assert "forwarded_proto" not in line
    assert line["peer"] == "127.0.0.1"
    assert rid != "chosen-by-the-client"
    assert plain.status_code == 301
    assert plain.headers["location"] == "https://127.0.0.1/groups/x"
    assert metrics.status_code == 404
    assert too_large.status_code == 413
