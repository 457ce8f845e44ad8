"""The pieces of a several-host deployment, started for real on 127.0.0.1 for the tests:
a throwaway PostgreSQL cluster (.ci/pg-cluster), app hosts (gunicorn with
deploy/gunicorn.conf.py, each its own instance and index directories), Debian's nginx with
deploy/nginx/observatoire-proxy.conf in front of them, and a browser that speaks real HTTP
from a chosen loopback address with the Flask test client's interface (so tests/helpers.py
signs in and posts forms through it)."""

import http.cookiejar
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.browser.conftest import LiveServer
from tests.conftest import TEST_SECRET, free_port, require, wait_for_port
from tests.helpers import FromAddress, NoRedirect

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PG_CLUSTER = ROOT / ".ci" / "pg-cluster"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class Response:
    """What the Flask test client returns, for the parts the tests read."""

    def __init__(self, status: int, headers, body: bytes):
        self.status_code = status
        self.headers = headers
        self.data = body

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")

    def get_data(self, as_text: bool = False):
        return self.text if as_text else self.data


class Browser:
    """A browser with its cookies, connecting from `address`, against `base`."""

    def __init__(self, base: str, address: str = "127.0.0.1"):
        self.base = base
        self.opener = urllib.request.build_opener(
            FromAddress(address),
            NoRedirect(),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        )
        self.opener.addheaders = [("User-Agent", "observatoire-deploy-tests")]

    def open(self, method: str, path: str, data=None, headers=None, follow_redirects=False):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            urllib.parse.urljoin(self.base, path), data=body, headers=headers or {}, method=method
        )
        try:
            with self.opener.open(request, timeout=60) as answer:
                response = Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.headers, error.read())
        if follow_redirects and response.status_code in (301, 302, 303):
            return self.open("GET", response.headers["Location"], follow_redirects=True)
        return response

    def get(self, path: str, **options) -> Response:
        return self.open("GET", path, **options)

    def post(self, path: str, data=None, **options) -> Response:
        return self.open("POST", path, data=data or {}, **options)


def start_postgres():
    """A throwaway PostgreSQL cluster on a free port: (DATABASE_URL, stop)."""
    version_dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    require(bool(version_dirs), "PostgreSQL server is not installed (Debian package postgresql)")
    env = {
        **os.environ,
        "PGPORT": str(free_port()),
        "PGDATA": tempfile.mkdtemp(prefix="observatoire-deploy-pg-"),
        "PGDATABASE": "observatoire_deploy",
    }
    url = subprocess.run(
        [str(PG_CLUSTER), "start"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    return url, lambda: subprocess.run([str(PG_CLUSTER), "stop"], env=env, check=False)


class Host(LiveServer):
    """One app host: gunicorn with deploy/gunicorn.conf.py, its own instance and index
    directories, on the shared database and Redis, behind one proxy (TRUSTED_PROXIES=1)."""

    def __init__(self, workdir: Path, *, database_url: str, redis_url: str, site_url: str):
        super().__init__(workdir, workers=2)
        self.options = ["-c", str(DEPLOY / "gunicorn.conf.py")]
        self.env.update(
            {
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "SITE_URL": site_url,
                "TRUSTED_PROXIES": "1",
                "WEB_CONCURRENCY": str(self.workers),
                # Shared by every host, like SECRET_KEY (DESIGN: the signing key file).
                "AUDIT_SIGNING_KEY_FILE": str(workdir.parent / "audit-signing.key"),
                "SECRET_KEY": TEST_SECRET,
            }
        )


NGINX_CONF = """
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream observatoire {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        include {snippet};
    }}
}}
"""


def nginx_user() -> str:
    """As root, nginx's workers would switch to `nobody`, who cannot read the test's
    directories: keep them as the user running the test (no effect otherwise)."""
    return "user root root;" if os.geteuid() == 0 else ""


class Nginx:
    """Debian's nginx, not as a service: its configuration, pid, logs and temporary files
    in `workdir`, listening on a free port of 127.0.0.1, with deploy/'s proxy rules."""

    def __init__(self, workdir: Path, upstreams: list[str], port: int | None = None):
        require(Path(NGINX).exists(), "nginx is not installed (Debian package nginx)")
        self.dir = workdir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.conf = workdir / "nginx.conf"
        servers = "\n".join(f"        server {address};" for address in upstreams)
        self.conf.write_text(
            NGINX_CONF.format(
                user=nginx_user(),
                dir=workdir,
                servers=servers,
                port=self.port,
                root=ROOT,
                snippet=DEPLOY / "nginx" / "observatoire-proxy.conf",
            )
        )
        self.process = None

    def start(self) -> "Nginx":
        command = [NGINX, "-e", str(self.dir / "error.log"), "-c", str(self.conf)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([*command, "-g", "daemon off;"])  # noqa: S603
        wait_for_port(self.port, self.process, "nginx")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
