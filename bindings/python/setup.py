"""Build hooks; the metadata is in pyproject.toml.

Three ways this package is built, told apart by what the source tree holds:

- from the repository (``pip install bindings/python``): no library inside, a pure wheel; it
  loads ``VIPPS_LIB`` or the repository's build tree;
- by ``make dist`` (scripts/dist-python.sh): ``src/vipps/libvipps.so`` is copied in first, and
  the wheel is tagged ``py3-none-<VIPPS_WHEEL_PLATFORM>`` (manylinux_2_17_x86_64): the package is
  not a CPython extension, so one wheel serves every Python 3;
- from the sdist, where no wheel fits: the sdist holds the Rust sources under ``native/``, and
  building it runs ``cargo build --release`` and puts the library into the package (the platform
  tag is then this machine's own, since the library needs this machine's glibc).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
LIB_NAME = "libvipps.so"
PREBUILT = HERE / "src" / "vipps" / LIB_NAME
NATIVE = HERE / "native" / "Cargo.toml"
WITH_LIBRARY = PREBUILT.is_file() or NATIVE.is_file()


class BuildPyWithLibrary(build_py):
    """Builds the library with cargo when the sdist's Rust sources are there and no library is."""

    def run(self):
        super().run()
        if PREBUILT.is_file() or not NATIVE.is_file():
            return
        if shutil.which("cargo") is None:
            sys.exit("building unofficial-vipps from source needs Rust's cargo (https://rustup.rs)")
        target_dir = Path(self.build_lib).resolve().parent / "cargo-target"
        # Stripped, like the wheels: the crate's release profile keeps line tables for profiling.
        env = {"CARGO_PROFILE_RELEASE_STRIP": "symbols", "CARGO_PROFILE_RELEASE_DEBUG": "0", **os.environ}
        subprocess.run(["cargo", "build", "--release", "--locked", "--manifest-path", str(NATIVE),
                        "--target-dir", str(target_dir)], check=True, env=env)
        shutil.copy2(target_dir / "release" / LIB_NAME, Path(self.build_lib) / "vipps" / LIB_NAME)


class PlatformWheel(bdist_wheel):
    """A platform wheel for any Python 3 when the library is inside: py3-none-<platform>."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", os.environ.get("VIPPS_WHEEL_PLATFORM") or platform


class DistributionWithLibrary(Distribution):
    def has_ext_modules(self):
        return True


if WITH_LIBRARY:
    setup(cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel},
          distclass=DistributionWithLibrary)
else:
    setup()
