"""Finding, loading and declaring libvipps with ctypes.

Ownership rules of the C ABI (include/vipps.h) and how this module keeps them:

- every ``char *`` the library returns is owned by the caller and must go back to
  ``vipps_string_free``: such functions get ``restype = c_void_p`` (a ``c_char_p`` restype
  would convert the pointer to ``bytes`` and lose it, leaking the string); :func:`take_string`
  copies the text out with ``ctypes.string_at`` and frees the pointer in a ``finally``;
- ``vipps_version`` returns a static ``const char *``: ``c_char_p`` is right, never freed;
- the client handle is an opaque pointer kept as a ``c_void_p``.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from pathlib import Path
from typing import List, Optional, Union

#: The ABI version this binding was written for (``VIPPS_ABI_VERSION`` in vipps.h).
ABI_VERSION = 1

#: The release of this binding, which must be the loaded library's ``vipps_version()``
#: (the workspace version in Cargo.toml; scripts/check-versions.sh keeps them equal).
VERSION = "0.1.0"

#: The distribution name on PyPI (``vipps`` there is an unrelated project).
DISTRIBUTION = "unofficial-vipps"

#: Bodies larger than this are refused unread by ``vipps_handle_callback`` (``VIPPS_MAX_BODY`` in include/vipps.h).
MAX_BODY = 1024 * 1024

_LIB_NAMES = {
    "linux": "libvipps.so",
    "darwin": "libvipps.dylib",
    "win32": "vipps.dll",
}

# Operations of the form `char *f(const vipps_client *, const char *request_json)`.
CLIENT_OPERATIONS = (
    "create_session",
    "get_session",
    "update_session",
    "expire_session",
    "create_payment",
    "get_payment",
    "get_payment_events",
    "capture",
    "refund",
    "cancel",
    "force_approve",
    "get_userinfo",
    "reconcile",
    "wait_for_final_status",
    "shipping_options_response",
    "apply_event",
    "register_webhook",
    "list_webhooks",
    "delete_webhook",
    "ensure_webhook",
    "ecom_initiate",
    "ecom_status",
    "add_receipt",
    "get_order",
    "set_category",
    "upload_image",
)


class LibraryNotFoundError(OSError):
    """libvipps could not be found or loaded, or it has another ABI version."""


def _lib_file_name() -> str:
    for prefix, name in _LIB_NAMES.items():
        if sys.platform.startswith(prefix):
            return name
    return "libvipps.so"


def _package_dir() -> Path:
    return Path(__file__).resolve().parent


def repository_root() -> Optional[Path]:
    """The repository checkout this package sits in (``bindings/python/src/vipps`` of a tree
    with ``Cargo.toml`` and ``include/vipps.h``), or None for an installed package."""
    package = _package_dir()
    parents = package.parents
    if len(parents) < 4:
        return None
    root = parents[3]
    if (root / "bindings" / "python" / "src" / "vipps").resolve() != package:
        return None
    if not ((root / "Cargo.toml").is_file() and (root / "include" / "vipps.h").is_file()):
        return None
    return root


def candidate_paths() -> List[Path]:
    """Where the library is looked for when no path is given and ``VIPPS_LIB`` is unset, in
    order: the package's own folder (where a wheel puts it), then ``target/release`` and
    ``target/debug`` of the repository, only when this package sits in a checkout of it.

    Never the current directory or its parents: a library planted there would be loaded."""
    name = _lib_file_name()
    paths = [_package_dir() / name]
    root = repository_root()
    if root is not None:
        paths += [root / "target" / profile / name for profile in ("release", "debug")]
    return paths


def find_library() -> Path:
    """The path of libvipps: ``$VIPPS_LIB`` (an absolute path), else the first file found by
    :func:`candidate_paths`."""
    explicit = os.environ.get("VIPPS_LIB")
    if explicit:
        path = Path(explicit)
        if not path.is_absolute():
            raise LibraryNotFoundError(f"VIPPS_LIB must be an absolute path, got {explicit!r}")
        if not path.is_file():
            raise LibraryNotFoundError(f"VIPPS_LIB={explicit} does not exist")
        return path
    candidates = candidate_paths()
    for path in candidates:
        if path.is_file():
            return path
    raise LibraryNotFoundError(
        f"{_lib_file_name()} not found: install a wheel of {DISTRIBUTION} that holds it, set "
        "VIPPS_LIB to its absolute path, or build it with `cargo build -p vipps` in the repository "
        f"(looked in: {', '.join(str(p) for p in candidates)})"
    )


def check_versions(lib: ctypes.CDLL, where: object) -> None:
    """Refuses a library with another ABI version or another library version than this
    binding's: the binding and the library are released together, with one version."""
    try:
        lib.vipps_abi_version.argtypes = []
        lib.vipps_abi_version.restype = ctypes.c_uint32
        abi = lib.vipps_abi_version()
    except AttributeError as exc:
        raise LibraryNotFoundError(f"{where} is not libvipps: {exc}") from exc
    if abi != ABI_VERSION:
        raise LibraryNotFoundError(
            f"{where} has ABI version {abi}, this binding was written for {ABI_VERSION}"
        )
    try:
        lib.vipps_version.argtypes = []
        lib.vipps_version.restype = ctypes.c_char_p
        raw = lib.vipps_version()
    except AttributeError as exc:
        raise LibraryNotFoundError(f"{where} is not libvipps: {exc}") from exc
    found = raw.decode("utf-8", "replace") if raw else "(none)"
    if found != VERSION:
        raise LibraryNotFoundError(
            f"{where} is libvipps {found!r}, but this binding ({DISTRIBUTION} {VERSION}) needs "
            f"libvipps {VERSION!r}: install the binding and the library of one release"
        )


def _declare(lib: ctypes.CDLL) -> None:
    c_void_p, c_char_p = ctypes.c_void_p, ctypes.c_char_p

    lib.vipps_abi_version.argtypes = []
    lib.vipps_abi_version.restype = ctypes.c_uint32

    lib.vipps_version.argtypes = []
    lib.vipps_version.restype = c_char_p  # static const char *: never freed

    lib.vipps_client_new.argtypes = [c_char_p, ctypes.POINTER(c_void_p)]
    lib.vipps_client_new.restype = c_void_p

    lib.vipps_client_free.argtypes = [c_void_p]
    lib.vipps_client_free.restype = None

    lib.vipps_string_free.argtypes = [c_void_p]
    lib.vipps_string_free.restype = None

    for op in CLIENT_OPERATIONS:
        fn = getattr(lib, "vipps_" + op)
        fn.argtypes = [c_void_p, c_char_p]
        fn.restype = c_void_p  # owned char *

    lib.vipps_handle_callback.argtypes = [c_void_p, c_char_p, c_char_p, ctypes.c_size_t]
    lib.vipps_handle_callback.restype = c_void_p

    lib.vipps_make_order_id.argtypes = [c_char_p]
    lib.vipps_make_order_id.restype = c_void_p
    lib.vipps_idempotency_key.argtypes = [c_char_p]
    lib.vipps_idempotency_key.restype = c_void_p
    lib.vipps_build_receipt.argtypes = [c_char_p]
    lib.vipps_build_receipt.restype = c_void_p


_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_lib_path: Optional[Path] = None


def _new_lock_after_fork() -> None:
    # A thread of the parent may have held the lock at the fork; it does not exist in the child.
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_new_lock_after_fork)


def load(path: "Optional[Union[str, os.PathLike[str]]]" = None) -> ctypes.CDLL:
    """Loads libvipps once per process (thread-safe), checks its ABI version and library
    version, and declares every function. ``path`` overrides the discovery on the first call."""
    global _lib, _lib_path
    loaded = _lib
    if loaded is not None:  # every call comes here: no lock once loaded
        return loaded
    with _lock:
        if _lib is not None:
            return _lib
        chosen = Path(path) if path is not None else find_library()
        try:
            lib = ctypes.CDLL(str(chosen))
        except OSError as exc:
            raise LibraryNotFoundError(f"cannot load {chosen}: {exc}") from exc
        check_versions(lib, chosen)
        _declare(lib)
        _lib, _lib_path = lib, chosen
        return lib


def library_path() -> Optional[Path]:
    """The path the library was loaded from, or None before it is loaded."""
    return _lib_path


def take_string(lib: ctypes.CDLL, pointer: Optional[int]) -> bytes:
    """Copies an owned ``char *`` returned by the library and frees it."""
    if not pointer:
        raise MemoryError("libvipps returned NULL (out of memory)")
    try:
        return ctypes.string_at(pointer)
    finally:
        lib.vipps_string_free(pointer)
