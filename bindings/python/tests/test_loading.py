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


PROBE = "import vipps\ntry:\n    print(vipps.version(), vipps.library_path())\nexcept vipps.LibraryNotFoundError as e:\n    print('refused:', e)\n"


def test_a_library_planted_above_the_current_directory_is_never_loaded(tmp_path: Path) -> None:
    # A copy of the package outside the repository, run from a folder whose parent holds a
    # working libvipps in target/debug and target/release: the loader must not walk up to it.
    package = tmp_path / "site" / "vipps"
    shutil.copytree(PACKAGE / "src" / "vipps", package, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    planted = tmp_path / "attic"
    for profile in ("debug", "release"):
        (planted / "target" / profile).mkdir(parents=True)
        shutil.copy(loaded_library(), planted / "target" / profile / "libvipps.so")
    cwd = planted / "shop" / "public"
    cwd.mkdir(parents=True)
    env = clean_env(PYTHONPATH=str(package.parent))
    result = run_python(PROBE, env, cwd)
    assert "refused:" in result.stdout, result.stdout + result.stderr
    assert str(planted) not in result.stdout.split("looked in:")[0]
    assert "VIPPS_LIB" in result.stdout and "cargo build" in result.stdout
    # Nor from inside the repository: its build tree is only for a package that sits in it.
    inside = run_python(PROBE, env, REPO / "examples")
    assert "refused:" in inside.stdout, inside.stdout + inside.stderr
    # The package's own folder is where a wheel puts the library: that one is loaded.
    shutil.copy(loaded_library(), package / "libvipps.so")
    own = run_python(PROBE, env, cwd)
    assert own.stdout.split()[1] == str(package / "libvipps.so"), own.stdout + own.stderr


def test_the_package_in_the_checkout_finds_the_build_tree_from_any_directory(tmp_path: Path) -> None:
    result = run_python(PROBE, clean_env(PYTHONPATH=SRC), tmp_path)
    assert result.stdout.startswith(vipps.VERSION + " " + str(REPO / "target")), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_a_library_of_another_release_is_refused_naming_both_versions(tmp_path: Path) -> None:
    source = tmp_path / "fake.c"
    source.write_text("unsigned int vipps_abi_version(void) { return 1; }\n"
                      "const char *vipps_version(void) { return \"9.9.9\"; }\n")
    fake = tmp_path / "libvipps.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(fake), str(source)], check=True)
    code = "import vipps\ntry:\n    vipps.Client()\nexcept vipps.LibraryNotFoundError as e:\n    print('refused:', e)\n"
    result = run_python(code, clean_env(PYTHONPATH=SRC, VIPPS_LIB=str(fake)), tmp_path)
    assert result.stdout.startswith("refused:"), result.stdout + result.stderr
    assert "'9.9.9'" in result.stdout and f"needs libvipps '{vipps.VERSION}'" in result.stdout, result.stdout


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
            print(vipps.make_order_id(prefix="venv", order_number=7))
            try:
                client.get_payment(reference="venv-missing")
            except vipps.NotFoundError as e:
                print("not_found", e.http_status)
    """
    result = subprocess.run([str(python), "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60,
                            cwd=tmp_path, env=clean_env(VIPPS_LIB=str(loaded_library())))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["venv-7", "not_found", "404"]
