"""Rendering deploy/nginx.conf and deploy/Caddyfile for loopback, and running the real binaries.

The production files are copied with the domain, ports, certificate and cache paths replaced;
every replacement must find its target, so a change to the files that the tests would no longer
exercise fails loudly instead of silently testing something else.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"


def require_binary(name: str) -> str:
    """The binary's path; skip when missing, except in CI, which installs it (.ci/system-deps)."""
    path = shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing in CI: .ci/system-deps should have installed it")
        pytest.skip(f"{name} is not installed (apt-get install {name}; CI installs it)")
    return path


def replace_exactly(text: str, old: str, new: str) -> str:
    assert old in text, f"expected {old!r} in the deploy file"
    return text.replace(old, new)


def write_self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(name), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def render_nginx_site(folder: Path, *, http_port: int, https_port: int, app_port: int) -> Path:
    """deploy/nginx.conf for loopback, with a self-signed certificate."""
    site = (DEPLOY / "nginx.conf").read_text()
    cert, key = write_self_signed(folder, "social.example")
    site = replace_exactly(site, "/etc/letsencrypt/live/social.example/fullchain.pem", str(cert))
    site = replace_exactly(site, "/etc/letsencrypt/live/social.example/privkey.pem", str(key))
    site = replace_exactly(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = replace_exactly(site, "/var/cache/nginx-fediverse", str(folder / "cache"))
    site = replace_exactly(site, "listen [::]:80;\n", "")
    site = replace_exactly(site, "listen [::]:443 ssl http2;\n", "")
    site = replace_exactly(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = replace_exactly(
        site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"
    )
    path = folder / "site.conf"
    path.write_text(site)
    return path


def write_nginx_main(folder: Path, site: Path) -> Path:
    """A main nginx.conf that includes ``site`` the way Debian's includes sites-enabled/."""
    temp = {n: folder / n for n in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log warn;\nevents {{ worker_connections 64; }}\n"
        "http {\n"
        f"  access_log {folder}/access.log;\n"
        f"  client_body_temp_path {temp['body']};\n  proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fastcgi']};\n  uwsgi_temp_path {temp['uwsgi']};\n"
        f"  scgi_temp_path {temp['scgi']};\n"
        f"  include {site};\n"
        "}\n"
    )
    return conf


def render_caddyfile(folder: Path, *, port: int, app_port: int) -> Path:
    """deploy/Caddyfile serving plain HTTP on a loopback port (Caddy's TLS needs a real name)."""
    text = (DEPLOY / "Caddyfile").read_text()
    text = replace_exactly(text, "social.example {", f"http://127.0.0.1:{port} {{")
    text = replace_exactly(
        text, "reverse_proxy 127.0.0.1:8000", f"reverse_proxy 127.0.0.1:{app_port}"
    )
    text = "{\n\tadmin off\n\tauto_https off\n}\n\n" + text
    path = folder / "Caddyfile"
    path.write_text(text)
    return path


def caddy_env(folder: Path) -> dict[str, str]:
    """Keep Caddy's storage and config in ``folder``."""
    return {
        **os.environ,
        "HOME": str(folder),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
    }


def wait_for_port(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"proxy exited:\n{log.read_text(errors='replace')}")
        try:
            httpx.get(url, verify=False, timeout=1)
        except httpx.TransportError:
            time.sleep(0.05)
            continue
        return
    raise RuntimeError(f"proxy did not start:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@contextlib.contextmanager
def caddy_running(folder: Path, *, port: int, app_port: int) -> Iterator[str]:
    """deploy/Caddyfile in front of the app on loopback ``port``: its base URL, while in use."""
    caddy = require_binary("caddy")
    config = render_caddyfile(folder, port=port, app_port=app_port)
    log = folder / "caddy.log"
    with log.open("wb") as output:
        proxy = subprocess.Popen(
            [caddy, "run", "--adapter", "caddyfile", "--config", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=caddy_env(folder),
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(base + "/healthz", proxy, log)
        yield base
    finally:
        stop(proxy)


@contextlib.contextmanager
def nginx_running(nginx: str, folder: Path, conf: Path, *, https_port: int) -> Iterator[str]:
    """nginx run with ``conf`` (``write_nginx_main``): its HTTPS base URL while the block runs."""
    with (folder / "nginx.stderr").open("wb") as stderr:
        proxy = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=stderr
        )
    base = f"https://127.0.0.1:{https_port}"
    try:
        wait_for_port(base + "/healthz", proxy, folder / "error.log")
        yield base
    finally:
        stop(proxy)
