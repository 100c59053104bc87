"""The export, built once for the deploy tests, and real nginx (make serve's configuration) serving it."""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import urllib3

from webapp import PROJECT_ROOT, create_app

from ..support.catalogs import languages_file
from ..support.processes import Process, free_port

SITE = "https://waymark.example"
# Every address of every language is exported and served the same way, and rendering and compressing all 36
# took most of these tests' time: so one language per script and direction, and each language the root's
# negotiation tests ask for (aliases included: zh-TW, prs, tl, kmr), are exported.
EXPORTED_LANGUAGES = ["en", "ar", "ti", "zh-Hans", "zh-Hant", "hi", "ta", "th", "bg", "fa", "fa-AF", "ro", "pl",
                      "fil", "ku", "ps"]


@pytest.fixture(scope="session")
def build():
    # Under the project's build/, not /tmp/pytest-of-*: nginx's unprivileged workers must be able to read it.
    (PROJECT_ROOT / "build").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="test-serve-", dir=PROJECT_ROOT / "build"))
    folder.chmod(0o755)
    languages_file(folder / "languages.toml", EXPORTED_LANGUAGES)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(scope="session")
def flask_app(build):
    """The app the export is made from, as `make run` would serve it."""
    return create_app({"TESTING": True, "SITE_URL": SITE, "LANGUAGES_FILE": str(build / "languages.toml")})


@pytest.fixture(scope="session")
def server_env(build):
    return {**os.environ, "WAYMARK_SITE_URL": SITE, "WAYMARK_LANGUAGES_FILE": str(build / "languages.toml"), "WAYMARK_DATABASE_URL": f"sqlite:///{build / 'push.sqlite'}",
            "WAYMARK_VAPID_PRIVATE_KEY_FILE": str(build / "vapid.pem")}


@pytest.fixture(scope="session")
def exported(build, server_env):
    """`flask --app webapp export` into build/site, as `make export` runs it."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", "export", "--output", str(build / "site")],
                   check=True, cwd=PROJECT_ROOT, env=server_env, stdout=subprocess.DEVNULL)
    return build


@pytest.fixture(scope="session")
def nginx(exported, server_env):
    """The export served by real nginx with the rendered deploy/nginx.conf, and the API by gunicorn behind it."""
    build = exported
    port, api_port = free_port(), free_port()
    subprocess.run([sys.executable, "deploy/render_nginx.py", "--listen", f"127.0.0.1:{port}", "--api",
                    f"127.0.0.1:{api_port}", "--build", str(build)], check=True, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
    config = str(build / "nginx" / "nginx.conf")
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{api_port}"]
    with Process(gunicorn, api_port, build / "gunicorn.log", env={**server_env, "WAYMARK_PROXY_COUNT": "1"},
                 cwd=PROJECT_ROOT), \
            Process(["nginx", "-p", str(build / "nginx"), "-c", config, "-g", "daemon off;"], port, build / "nginx.log"):
        yield f"http://127.0.0.1:{port}", urllib3.PoolManager(maxsize=4, retries=False)
