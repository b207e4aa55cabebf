"""vipps: the Python binding (ctypes) of libvipps, the native Vipps MobilePay payment core.

    import vipps
    with vipps.Client(base_url="http://127.0.0.1:7878", system_name="myshop",
                      system_version="1.0", plugin_name="myshop-vipps", plugin_version="1.0") as client:
        payment = client.create_payment({...})

The library is found through ``VIPPS_LIB`` (an absolute path), else in this package's folder
(a wheel puts it there), else, only for a package inside the repository, in its ``target/release``
or ``target/debug``; it is loaded on first use, and its version must be this binding's.
"""

from . import web
from ._lib import ABI_VERSION, MAX_BODY, VERSION, LibraryNotFoundError, find_library, library_path, load
from .client import AsyncClient, Client, abi_version, build_receipt, idempotency_key, make_order_id, version
from .money import from_minor_units, to_minor_units
from .errors import (
    ERROR_CLASSES,
    ApiError,
    ClientClosedError,
    ConfigError,
    ConflictError,
    InternalError,
    InvalidInputError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    SignatureInvalidError,
    UnauthorizedError,
    UnknownOutcomeError,
    VippsError,
    VippsTimeoutError,
    error_from_envelope,
)

__version__ = VERSION

__all__ = [
    "ABI_VERSION",
    "MAX_BODY",
    "ERROR_CLASSES",
    "ApiError",
    "AsyncClient",
    "Client",
    "ClientClosedError",
    "ConfigError",
    "ConflictError",
    "InternalError",
    "InvalidInputError",
    "LibraryNotFoundError",
    "NetworkError",
    "NotFoundError",
    "RateLimitedError",
    "SignatureInvalidError",
    "UnauthorizedError",
    "UnknownOutcomeError",
    "VippsError",
    "VippsTimeoutError",
    "abi_version",
    "build_receipt",
    "error_from_envelope",
    "find_library",
    "from_minor_units",
    "idempotency_key",
    "library_path",
    "load",
    "make_order_id",
    "to_minor_units",
    "version",
    "web",
]
