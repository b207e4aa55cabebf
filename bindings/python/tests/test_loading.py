"""Library discovery, the ABI check, and `pip install` into a fresh virtual environment.

Loading is once per process, so these run Python in subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import vipps
from conftest import PACKAGE, REPO

SRC = str(PACKAGE / "src")


def loaded_library() -> Path:
    vipps.load()
    path = vipps.library_path()
    assert path is not None and path.is_absolute()
    return path


def run_python(code: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("VIPPS_LIB", "PYTHONPATH")}
    env.update(extra)
    return env


def test_vipps_lib_must_be_absolute_and_exist(tmp_path: Path) -> None:
    code = "import vipps\ntry:\n    vipps.version()\nexcept vipps.LibraryNotFoundError as e:\n    print('refused:', e)\n"
    relative = run_python(code, clean_env(PYTHONPATH=SRC, VIPPS_LIB="target/debug/libvipps.so"), tmp_path)
    assert "refused: VIPPS_LIB must be an absolute path" in relative.stdout, relative.stderr
    missing = run_python(code, clean_env(PYTHONPATH=SRC, VIPPS_LIB=str(tmp_path / "nope.so")), tmp_path)
    assert "refused: VIPPS_LIB=" in missing.stdout and "does not exist" in missing.stdout


def test_vipps_lib_wins_over_the_build_output(tmp_path: Path) -> None:
    copy = tmp_path / "libvipps-copy.so"
    shutil.copy(loaded_library(), copy)
    result = run_python("import vipps; vipps.version(); print(vipps.library_path())",
                        clean_env(PYTHONPATH=SRC, VIPPS_LIB=str(copy)), tmp_path)
    assert result.stdout.strip() == str(copy), result.stderr


def test_discovery_from_the_current_directory_and_a_clear_error_otherwise(tmp_path: Path) -> None:
    # A copy of the package outside the repository: only the current directory can lead to it.
    package = tmp_path / "site" / "vipps"
    shutil.copytree(PACKAGE / "src" / "vipps", package)
    code = "import vipps\ntry:\n    print(vipps.version(), vipps.library_path())\nexcept vipps.LibraryNotFoundError as e:\n    print('refused:', e)\n"
    env = clean_env(PYTHONPATH=str(package.parent))
    found = run_python(code, env, REPO / "examples")  # a subdirectory of the repository
    assert str(REPO / "target") in found.stdout, found.stdout + found.stderr
    elsewhere = run_python(code, env, tmp_path)
    assert "refused:" in elsewhere.stdout and "VIPPS_LIB" in elsewhere.stdout and "cargo build" in elsewhere.stdout


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_a_library_with_another_abi_version_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "fake.c"
    source.write_text("unsigned int vipps_abi_version(void) { return 2; }\n")
    fake = tmp_path / "libvipps.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(fake), str(source)], check=True)
    code = "import vipps\ntry:\n    vipps.Client()\nexcept vipps.LibraryNotFoundError as e:\n    print('refused:', e)\n"
    result = run_python(code, clean_env(PYTHONPATH=SRC, VIPPS_LIB=str(fake)), tmp_path)
    assert "refused:" in result.stdout and "ABI version 2" in result.stdout, result.stdout + result.stderr


def test_pip_install_into_a_fresh_venv(tmp_path: Path, sim) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The build backend (setuptools) comes from PyPI; --no-build-isolation would use the
    # venv's own, which lacks `wheel` on older Pythons.
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(PACKAGE)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    code = f"""
        import vipps, pathlib
        assert pathlib.Path(vipps.__file__).is_relative_to({str(venv)!r}), vipps.__file__
        assert (pathlib.Path(vipps.__file__).parent / "py.typed").exists()
        with vipps.Client(base_url={sim.url!r}, system_name="venv", system_version="1",
                          plugin_name="venv-test", plugin_version="1") as client:
            print(vipps.make_order_id(prefix="venv", order_number=7)["order_id"])
            try:
                client.get_payment(reference="venv-missing")
            except vipps.NotFoundError as e:
                print("not_found", e.http_status)
    """
    result = subprocess.run([str(python), "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60,
                            cwd=tmp_path, env=clean_env(VIPPS_LIB=str(loaded_library())))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["venv-7", "not_found", "404"]
