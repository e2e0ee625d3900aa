"""The package as a user installs it: a wheel built from the project, installed in a new virtual
environment outside the checkout, holds and serves the pages, static files, the API console's
examples and the migrations."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest
from markupsafe import escape

from archive.bench.served import free_port, serving

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache", "*.db*", "*.jsonl"
)


def _run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the project's wheel installed; returns its folder.

    The dependencies come from the test environment's own site-packages through a ``.pth``
    line (a path listed there is searched, but its ``.pth`` files, such as the editable
    install's, are not run), so the project itself can only come from the wheel."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=NOT_SOURCES)
    dist = work / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", dist, source, cwd=work)  # fmt: skip
    [wheel] = dist.glob("*.whl")
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q",
         "--no-deps", wheel, cwd=work)  # fmt: skip
    purelib = Path(
        _run(venv / "bin" / "python", "-c",
             "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work).strip()
    )  # fmt: skip
    (purelib / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path) -> None:
    where = _run(installed / "bin" / "python", "-c", "import archive; print(archive.__file__)",
                 cwd=installed)  # fmt: skip
    assert Path(where.strip()).is_relative_to(installed)


def test_an_installed_wheel_migrates_and_serves_pages_assets_and_examples(
    installed: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    archive = installed / "bin" / "archive"
    _run(archive, "init", "--db", url, cwd=tmp_path)
    port = free_port()
    command = [str(archive), "serve", "--db", url, "--port", str(port)]
    with serving(command, port, name="archive serve (wheel)") as base:
        home = httpx.get(base + "/")
        assert home.status_code == 200
        assert '/static/htmx-2.0.11.min.js" defer></script>' in home.text
        script = httpx.get(base + "/static/htmx-2.0.11.min.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert httpx.get(base + "/static/archive.css").status_code == 200
        assert httpx.get(base + "/static/graphql-console.js").status_code == 200
        assert httpx.get(base + "/api/schema.graphql").text.startswith('"""')
        console = httpx.get(base + "/api")
        assert console.status_code == 200
        examples = sorted((ROOT / "schema" / "examples").glob("*.graphql"))
        assert len(examples) == 6
        for example in examples:
            assert escape(example.read_text(encoding="utf-8")) in console.text, example.name
        answer = httpx.post(base + "/graphql", json={"query": "{ stats { articles } }"})
        assert answer.json() == {"data": {"stats": {"articles": 0}}}


def test_the_console_bundle_names_every_locked_package_and_its_licence() -> None:
    """The committed bundle was built from the lock file as it stands: a package added,
    dropped or moved to another version without a rebuild fails here."""
    folder = ROOT / "static" / "console"
    manifest = json.loads((folder / "package.json").read_text())
    pinned = {**manifest["dependencies"], **manifest["devDependencies"]}
    assert all(version[0].isdigit() for version in pinned.values()), pinned  # exact versions
    lock = json.loads((folder / "package-lock.json").read_text())
    bundled = sorted(
        f"{path.removeprefix('node_modules/')}@{entry['version']}"
        for path, entry in lock["packages"].items()
        if path.startswith("node_modules/") and not entry.get("dev")
    )
    assert "cm6-graphql@0.2.2" in bundled
    banner = (ROOT / "static" / "graphql-console.js").read_text().split("\n", 1)[0]
    named = re.search(r"Bundled: (.*?)\. Licences", banner)
    assert named is not None
    assert sorted(named.group(1).split(", ")) == bundled
    licences = (ROOT / "static" / "graphql-console.LICENSES.txt").read_text()
    assert all(f"{package}\n===" in licences for package in bundled)
