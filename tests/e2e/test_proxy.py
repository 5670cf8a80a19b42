"""Tilstand behind nginx exactly as the README shows it: deploy/nginx.conf (only ports and certificate swapped)
in front of a real `streamlit run app.py`. TLS, the headers Streamlit cannot send itself (X-Frame-Options, CSP
frame-ancestors, HSTS), the redirect from plain HTTP, the health check and the websocket upgrade passed
through, and in Chromium: signing in, a chart page and a reload work under the policy, and no other page can
frame the app. Without nginx (apt-get install nginx) the tests skip, except in CI (TILSTAND_REQUIRE_BROWSER),
where that fails."""

from __future__ import annotations

import base64
import datetime
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, env_flag
from tests.e2e.conftest import Server, sign_in

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx.conf"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1, written as nginx reads it."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    crt, pem = folder / "tilstand.crt", folder / "tilstand.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return crt, pem


def site_config(http_port: int, https_port: int, app_port: int, crt: Path, key: Path) -> str:
    """deploy/nginx.conf with the test's loopback ports and certificate; every swap must find its line."""
    text = SITE.read_text(encoding="utf-8")
    swaps = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "server 127.0.0.1:8501;": f"server 127.0.0.1:{app_port};",
        "/etc/letsencrypt/live/tilstand.kommune.no/fullchain.pem": str(crt),
        "/etc/letsencrypt/live/tilstand.kommune.no/privkey.pem": str(key),
    }
    for old, new in swaps.items():
        assert text.count(old) == 1, f"deploy/nginx.conf no longer has «{old}» once"
        text = text.replace(old, new)
    return text


def main_config(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site, in the test's own folder and in the foreground."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # a root-run test's temp folder is the root user's
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        f"events {{ worker_connections 256; }}\nhttp {{\n    access_log {folder / 'access.log'};\n{temp}\n"
        f"    include {site};\n}}\n"
    )


@dataclass
class Proxy:
    https: str
    http: str
    port: int


def _wait_for(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"nginx stopped: {log.read_text(errors='replace') if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("nginx did not listen within 20 s")


@pytest.fixture(scope="module")
def proxy(demo_db, tmp_path_factory):
    if not Path(NGINX).exists():
        message = f"nginx not found at {NGINX} (apt-get install nginx)"
        if env_flag("TILSTAND_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("proxy")
    db = folder / "tilstand.duckdb"
    shutil.copy(demo_db, db)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TILSTAND_BEHIND_PROXY", "1")  # as the README says for a server behind a proxy
        app = Server(db, folder / "streamlit.log").start()
    http_port, https_port = _free_port(), _free_port()
    site = folder / "tilstand.conf"
    site.write_text(site_config(http_port, https_port, app.port, *_self_signed(folder)), encoding="utf-8")
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site), encoding="utf-8")
    check = subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(https_port, nginx, folder / "error.log")
        yield Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", https_port)
    finally:
        nginx.terminate()
        nginx.wait(timeout=20)
        app.stop()


def test_the_readme_shows_the_tested_config_and_policy():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    conf = SITE.read_text(encoding="utf-8")
    shown = re.search(r"```nginx\n(.*?)```", readme, re.S)
    assert shown, "the README shows the nginx config"
    lines = {line.strip() for line in conf.splitlines()}
    assert [line for line in shown.group(1).splitlines() if line.strip() not in lines] == []
    policy = re.search(r"The policy, in full: `([^`]*)`", readme, re.S)
    in_file = re.search(r'add_header Content-Security-Policy "([^"]*)" always;', conf)
    assert policy and in_file and " ".join(policy.group(1).split()) == in_file.group(1)


UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname, UNVERIFIED.verify_mode = False, ssl.CERT_NONE  # the throwaway certificate


def _get(url: str):
    return urllib.request.urlopen(urllib.request.Request(url), context=UNVERIFIED, timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_app_comes_through_tls_with_the_headers_streamlit_cannot_send(proxy):
    with _get(f"{proxy.https}/") as r:
        body = r.read().decode("utf-8", errors="replace")
        headers = r.headers
    assert r.status == 200 and '<div id="root">' in body, "Streamlit's page, through the proxy"
    assert headers["X-Frame-Options"] == "DENY"
    csp = [d.strip() for d in headers["Content-Security-Policy"].split(";")]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Server"] == "nginx", "no version number"


def test_the_health_check_passes_through_with_the_same_headers(proxy):
    with _get(f"{proxy.https}/_stcore/health") as r:
        assert (r.status, r.read()) == (200, b"ok")
        assert r.headers["X-Frame-Options"] == "DENY"


def test_plain_http_is_sent_to_https(proxy):
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as e:
        opener.open(f"{proxy.http}/import?x=1", timeout=20)
    assert e.value.code == 301
    assert e.value.headers["Location"] == "https://127.0.0.1/import?x=1"


def test_the_websocket_upgrade_passes_through(proxy):
    """The handshake Streamlit's page makes for /_stcore/stream, spoken by hand over TLS."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{proxy.port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {proxy.https}\r\n\r\n"
    )
    with (
        socket.create_connection(("127.0.0.1", proxy.port), timeout=20) as raw,
        UNVERIFIED.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(request.encode())
        answer = tls.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 101"), answer.splitlines()[0]
    assert "upgrade: websocket" in answer.lower()


@pytest.mark.e2e
def test_signing_in_charts_and_a_reload_work_under_the_policy_and_no_site_can_frame_the_app(proxy, browser):
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        sign_in(page, proxy.https)  # the websocket, the sign-in and the cookie script (an inline script)
        page.goto(f"{proxy.https}/dekningsgrad")
        page.wait_for_selector("[data-testid=stPlotlyChart] .main-svg")
        page.reload()  # still signed in: the cookie the inline script wrote came back
        page.get_by_text("Innlogget som").wait_for()
        assert refused == [], "\n".join(refused)
        page.set_content(f'<iframe src="{proxy.https}/" width="600" height="400"></iframe>')
        deadline = time.monotonic() + 20
        while page.frames[1].url in ("", "about:blank") and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert page.frames[1].url.startswith("chrome-error://"), f"the app showed in a frame: {page.frames[1].url}"
    finally:
        context.close()
