#!/usr/bin/env python3
"""Generates the request and answer types of every binding from the official OpenAPI specs.

One description, three languages, so the bindings' types cannot drift from each other or from
the specs: TypeScript interfaces (bindings/node/api-types.d.ts), Python TypedDicts
(bindings/python/src/vipps/api_types.py) and PHP array shapes in PHPDoc
(bindings/php/src/ApiTypes.php, `@psalm-type`, which PHPStan reads as well).

Input: ../shared/specs/*.yaml (the Vipps MobilePay specs, unedited) plus the library's own
additions described in ADDITIONS and OPERATIONS below (the snake_case keys of README.md,
"Requests and answers"). Usage:

    gen-types.py            write the generated files
    gen-types.py --check    exit 1 when a generated file is stale (run by `make check-types`)
    gen-types.py --docs F   also write a Markdown page of every operation's fields to F

Needs PyYAML (the make targets install it into a venv under target/).
"""

from __future__ import annotations

import argparse
import keyword
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SPECS = Path(os.environ.get("VIPPS_SPECS", REPO.parent / "shared" / "specs"))
TS_OUT = REPO / "bindings/node/api-types.d.ts"
PY_OUT = REPO / "bindings/python/src/vipps/api_types.py"
PHP_OUT = REPO / "bindings/php/src/ApiTypes.php"

# Each spec's types get the API's name as a prefix, since Amount, Address, ... exist in several.
SPEC_FILES = {
    "EPayment": "epayment-v1.openapi.yaml",
    "Checkout": "checkout-v3.openapi.yaml",
    "Ecom": "ecom-v2.openapi.yaml",
    "EcomMerchant": "ms_import.yaml",
    "Webhooks": "webhooks-v1.openapi.yaml",
    "AccessToken": "access-token.openapi.yaml",
    "OrderManagement": "order-management-v2.0-tag-2.3.24.openapi.yaml",
    # The newest Order Management spec (2025, with taxRate): the receipt operations' contract.
    "OrderManagementV2": "order-management-v2.openapi.yaml",
}
# SOURCES.md: ePayment's receipt points at this URL; the file is kept beside the others.
REMOTE_REFS = {
    "https://raw.githubusercontent.com/vippsas/vipps-order-management-api/2.3.24/docs/swagger.yaml":
        "OrderManagement",
}


# ---- the intermediate form: what every language is generated from ---------------------------

@dataclass
class Field:
    name: str
    type: tuple
    required: bool
    doc: str = ""


@dataclass
class Named:
    name: str
    type: tuple  # ("struct", [Field]) or any other type expression
    doc: str = ""
    origin: str = ""  # where it comes from: a spec schema or "library"


# Type expressions: ("prim", "string"|"int"|"number"|"bool"|"any"|"null"), ("lit", [values]),
# ("ref", name), ("list", t), ("map", t), ("union", [t]), ("struct", [Field]).
STRING, INT, BOOL, ANY = ("prim", "string"), ("prim", "int"), ("prim", "bool"), ("prim", "any")


def first_sentence(text: str | None, limit: int = 240) -> str:
    """The start of a description, on one line (the docs link to the spec for the rest)."""
    if not text:
        return ""
    text = " ".join(str(text).split())
    cut = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return cut if len(cut) <= limit else cut[: limit - 1].rstrip() + "…"


class Specs:
    """Reads the specs and turns their schemas into named types, on demand, by $ref."""

    def __init__(self) -> None:
        self.docs = {p: yaml.safe_load((SPECS / f).read_text()) for p, f in SPEC_FILES.items()}
        self.file_prefix = {f: p for p, f in SPEC_FILES.items()}
        self.named: dict[str, Named] = {}

    def lookup(self, prefix: str, ref: str) -> tuple[str, str, Any]:
        """(prefix, JSON pointer, target) of a $ref seen in the spec of `prefix`."""
        where, _, pointer = ref.partition("#")
        if where:
            prefix = REMOTE_REFS.get(where) or self.file_prefix[where]
        node: Any = self.docs[prefix]
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return prefix, pointer, node

    def schema_ref(self, prefix: str, ref: str) -> tuple:
        """A named type for a component schema, generated the first time it is seen."""
        prefix, pointer, schema = self.lookup(prefix, ref)
        if not pointer.startswith("/components/schemas/"):
            return self.convert(prefix, schema, "Anonymous")
        name = prefix + pointer.rsplit("/", 1)[1]
        if name not in self.named:
            self.named[name] = Named(name, ANY)  # placeholder: schemas may refer to themselves
            self.named[name] = Named(
                name, self.convert(prefix, schema, name, top=True),
                first_sentence(schema.get("description") or schema.get("title")),
                f"{SPEC_FILES[prefix]} {pointer}")
        return ("ref", name)

    def body_schema(self, prefix: str, ref: str) -> tuple:
        """The JSON schema of a `components/responses` or `components/requestBodies` entry."""
        prefix, _, node = self.lookup(prefix, ref)
        content = node["content"]
        media = content.get("application/json") or next(iter(content.values()))
        return self.convert(prefix, media["schema"], "Body")

    def hoist(self, name: str, t: tuple, doc: str, prefix: str) -> tuple:
        """An inline object or enum becomes a named type (TypedDicts cannot be written inline)."""
        while name in self.named:
            name += "_"
        self.named[name] = Named(name, t, doc, f"{SPEC_FILES[prefix]} (inline)")
        return ("ref", name)

    def convert(self, prefix: str, s: dict, hint: str, top: bool = False) -> tuple:
        if "$ref" in s:
            return self.schema_ref(prefix, s["$ref"])
        t = self.convert_plain(prefix, s, hint, top)
        return ("union", [t, ("prim", "null")]) if s.get("nullable") else t

    def convert_plain(self, prefix: str, s: dict, hint: str, top: bool) -> tuple:
        if "allOf" in s:
            parts = s["allOf"]
            if len(parts) == 1 and not s.get("properties"):
                return self.convert(prefix, parts[0], hint, top)
            fields = self.merged_fields(prefix, parts + [{k: v for k, v in s.items() if k != "allOf"}], hint)
            return self.struct_or_hoist(prefix, ("struct", fields), hint, s, top)
        for key in ("oneOf", "anyOf"):
            if key in s:
                return ("union", [self.convert(prefix, p, f"{hint}{i}") for i, p in enumerate(s[key])])
        if "enum" in s:
            t = ("lit", [v for v in s["enum"] if v is not None])
            return t if top else self.hoist(hint, t, first_sentence(s.get("description")), prefix)
        kind = s.get("type")
        if kind == "array":
            return ("list", self.convert(prefix, s.get("items", {}), hint + "Item"))
        if kind == "object" or "properties" in s:
            if not s.get("properties"):
                extra = s.get("additionalProperties")
                inner = self.convert(prefix, extra, hint + "Value") if isinstance(extra, dict) and extra else ANY
                return ("map", inner)
            return self.struct_or_hoist(prefix, ("struct", self.fields(prefix, s, hint)), hint, s, top)
        return {"string": STRING, "integer": INT, "number": ("prim", "number"),
                "boolean": BOOL}.get(kind, ANY)

    def struct_or_hoist(self, prefix: str, t: tuple, hint: str, s: dict, top: bool) -> tuple:
        return t if top else self.hoist(hint, t, first_sentence(s.get("description")), prefix)

    def fields(self, prefix: str, s: dict, hint: str) -> list[Field]:
        required = set(s.get("required", []))
        out = []
        for name, ps in (s.get("properties") or {}).items():
            sub = hint + name[:1].upper() + name[1:]
            doc = ps.get("description") or (self.lookup(prefix, ps["$ref"])[2].get("description")
                                            if "$ref" in ps else "")
            out.append(Field(name, self.convert(prefix, ps, sub), name in required, first_sentence(doc)))
        return out

    def merged_fields(self, prefix: str, parts: list, hint: str) -> list[Field]:
        merged: dict[str, Field] = {}
        for part in parts:
            p, s = prefix, part
            if "$ref" in part:
                p, _, s = self.lookup(prefix, part["$ref"])
            if "allOf" in s:
                subs = self.merged_fields(p, s["allOf"], hint)
            else:
                subs = self.fields(p, s, hint)
            for f in subs:
                merged[f.name] = f
        return list(merged.values())

    def struct_fields(self, t: tuple) -> list[Field]:
        """The fields of a struct type, following named references."""
        while t[0] == "ref":
            t = self.named[t[1]].type
        if t[0] != "struct":
            raise SystemExit(f"not an object type: {t}")
        return list(t[1])


# ---- the library's own additions (README.md, "Requests and answers") -------------------------

def opt(name: str, t: tuple, doc: str) -> Field:
    return Field(name, t, False, doc)


def req(name: str, t: tuple, doc: str) -> Field:
    return Field(name, t, True, doc)


CALL_KEYS = [
    opt("idempotency_key", STRING, "The idempotency key to send (else one is generated and returned); reuse it when retrying."),
    opt("merchant_serial_number", STRING, "Per-call override of the configured merchant serial number (partners)."),
    opt("system_name", STRING, "Per-call override of the Vipps-System-Name header."),
    opt("system_version", STRING, "Per-call override of the Vipps-System-Version header."),
    opt("plugin_name", STRING, "Per-call override of the Vipps-System-Plugin-Name header."),
    opt("plugin_version", STRING, "Per-call override of the Vipps-System-Plugin-Version header."),
]
REFERENCE = req("reference", STRING, "The payment's reference (ePayment, Checkout) or the eCom orderId.")
API = opt("api", ("ref", "OrderApi"), "Which API the order belongs to: `epayment` (the default) or the legacy `ecom`.")
KEY_USED = req("idempotency_key", STRING, "The idempotency key used: store it and reuse it when retrying.")
NORMALIZED = req("normalized", ("ref", "Normalized"), "One status across the APIs, with the amounts in minor units.")

OM_ORDER = [
    opt("reference", STRING, "The payment's reference: the API's orderId (or give orderId)."),
    opt("orderId", STRING, "The API's name for the reference."),
    opt("paymentType", ("ref", "PaymentType"), "ECOM (the default) or RECURRING."),
]
OM_ANSWER = [
    req("order_id", STRING, "The order's id."),
    req("payment_type", ("ref", "PaymentType"), "ECOM or RECURRING."),
]
CREATED_ONCE = [
    req("created", BOOL, "Stored by this call."),
    req("already_existed", BOOL, "It was already there (the API's 409): success, nothing changed."),
]

ERROR_KINDS = ["invalid_input", "config", "unauthorized", "api", "conflict", "not_found", "rate_limited",
               "timeout", "network", "signature_invalid", "internal", "unknown_outcome"]
STATUSES = ["pending", "authorized", "partially_captured", "captured", "partially_refunded", "refunded",
            "cancelled", "expired", "aborted", "failed"]
MINOR = "in minor units (øre, cents)"


def library_types(specs: Specs) -> list[Named]:
    """The library's own types: the normalized status, the error envelope, the webhook names."""
    events = specs.docs["EPayment"]["components"]["schemas"]["PaymentEventName"]["enum"]
    lib = [
        Named("OrderApi", ("lit", ["epayment", "ecom"]), "The API an order belongs to."),
        Named("NormalizedStatus", ("lit", STATUSES), "One payment status across Checkout, ePayment and eCom."),
        Named("Normalized", ("struct", [
            req("status", ("ref", "NormalizedStatus"), "The normalized status."),
            req("final", BOOL, "No customer action is pending."),
            opt("currency", STRING, "The payment's currency."),
            opt("amount", INT, f"The payment's amount, {MINOR}."),
        ] + [opt(n, INT, f"The {n} amount, {MINOR}.") for n in
             ("authorized", "captured", "refunded", "cancelled", "capturable", "refundable")] + [
            opt("shipping_details", ANY,
                "ePayment Express only: `{option_id, option_name, cost (minor units), address: {line1, line2, city, postal_code, country}}`."),
            opt("user_details", ANY,
                "ePayment Express only: `{first_name, last_name, email, phone_number}`."),
        ]),
            "The `normalized` field of reads and money calls."),
        Named("ErrorKind", ("lit", ERROR_KINDS), "The stable error kinds; each binding maps them to exception classes."),
        Named("ErrorBody", ("struct", [
            req("kind", ("ref", "ErrorKind"), "What went wrong, as one stable word."),
            req("message", STRING, "A human-readable message (never holds a secret)."),
            req("retryable", BOOL, "The same call, with the same idempotency key, may succeed later."),
            opt("http_status", ("union", [INT, ("prim", "null")]), "The API's HTTP status, when there was an answer."),
            opt("problem", ANY, "The API's error body."),
            opt("trace_id", STRING, "The API's trace id (eCom: the contextId)."),
            opt("error_code", STRING, "The API's error code, e.g. 6090."),
            opt("idempotency_key", STRING, "The key of a money call: retry with it."),
        ]), "The `error` of an error envelope."),
        Named("PaymentType", ("lit", ["ECOM", "RECURRING"]),
              "Order Management's paymentType: ECOM for ePayment, Checkout and eCom payments; RECURRING for Recurring."),
        Named("ReceiptLineInput", ("struct", [
            req("name", STRING, "The product's name."),
            req("id", STRING, "The product's id."),
            opt("quantity", ("union", [INT, STRING]), "A whole number, or a decimal as a string (\"1.5\"); 1 when left out."),
            opt("quantity_unit", ("lit", ["PCS", "KG", "KM", "MINUTE", "LITRE", "KWH"]), "The quantity's unit (PCS when left out)."),
            opt("unit_price", INT, f"The price per unit including tax, before the discount, {MINOR}; or total_amount."),
            opt("total_amount", INT, f"The line's total including tax, after its discount, {MINOR}; or unit_price."),
            opt("tax_rate", INT, "The tax rate in basis points (2500 = 25 %); or tax_percentage."),
            opt("tax_percentage", INT, "The tax rate in whole percent (25); or tax_rate."),
            opt("discount", INT, f"The line's discount, {MINOR}."),
            opt("is_shipping", BOOL, "A shipping line."),
            opt("is_return", BOOL, "A returned line: it counts negative."),
            opt("product_url", STRING, "A link to the product."),
        ]), "One of the shop's order lines for `build_receipt`."),
        Named("WebhookEventName", ("lit", [f"epayments.payment.{e.lower()}.v1" for e in events]),
              "The webhook events `register_webhook` accepts: ePayment's PaymentEventName, as webhook names."),
    ]
    for n in lib:
        n.origin = "library"
    return lib


@dataclass
class Op:
    """One operation: its request and answer as a spec schema plus the library's fields."""
    name: str  # snake_case; the bindings' names are derived
    doc: str
    request: list  # spec refs ("Prefix", "#/...") and Field additions, merged in order
    answer: list
    relax: tuple = ()  # spec fields the library does not require ("*": all of them)
    method: str = ""  # the bindings' method, when it is not `name`


def operations() -> list[Op]:
    cs = "#/components/schemas/"
    er = "#/components/responses/"
    return [
        Op("create_session", "Checkout v3: create a session (POST /checkout/v3/session).",
           [("Checkout", cs + "InitiateSessionRequest"), *CALL_KEYS],
           [("Checkout", cs + "InitiateSessionResponse"), KEY_USED,
            req("callback_authorization_token", STRING, "The session's callback token (given or derived).")],
           ),
        Op("get_session", "Checkout v3: read a session, with its normalized status.",
           [REFERENCE, *CALL_KEYS], [("Checkout", cs + "SessionResponse"), NORMALIZED]),
        Op("update_session", "Checkout v3: change a session that is not paid (PATCH); any create field may be sent.",
           [REFERENCE, ("Checkout", cs + "InitiateSessionRequest"), *CALL_KEYS],
           [REFERENCE, KEY_USED], relax=("*",)),
        Op("expire_session", "Checkout v3: end a session that is not paid.",
           [REFERENCE, *CALL_KEYS], [REFERENCE, KEY_USED]),
        Op("create_payment", "ePayment: create a payment (POST /epayment/v1/payments).",
           [("EPayment", cs + "CreatePaymentRequest"),
            opt("shipping", ("map", ANY),
                "Express (with `profile.scope` \"name address email phoneNumber\"): `fixedOptions` (shipping groups) or `dynamicOptions` (`{callbackUrl, callbackAuthorizationToken?}`), `allowedCountries?` (docs/api-notes.md, Express)."),
            *CALL_KEYS],
           [("EPayment", er + "CreatePaymentResponse"), KEY_USED,
            opt("shipping_callback_token", STRING,
                "Express with dynamic options: the token its shipping callbacks carry (given or derived from callback_secret).")]),
        Op("get_payment", "ePayment: read a payment, with its normalized status (eCom `/details` with `api: \"ecom\"`).",
           [REFERENCE, API, *CALL_KEYS],
           [("EPayment", er + "GetPaymentResponse"), NORMALIZED,
            opt("shippingDetails", ANY, "Express: the customer's address and shipping choice (newer than the spec)."),
            opt("userDetails", ANY, "Express and profile sharing: the profile the customer shared (newer than the spec).")]),
        Op("ecom_get_payment", "eCom v2: `get_payment` with `api: \"ecom\"` reads the order's `/details`.",
           [REFERENCE, API, *CALL_KEYS], [("Ecom", cs + "TransactionDetails"), NORMALIZED],
           method="get_payment"),
        Op("get_payment_events", "ePayment: a payment's event log, oldest first.",
           [REFERENCE, API, *CALL_KEYS],
           [REFERENCE, req("events", ("list", ("ref", "EPaymentPaymentEvent")), "The events, oldest first."),
            req("psp_reference", ("union", [STRING, ("prim", "null")]),
                "The PSP reference of the authorization (the transaction id to show); null before it.")]),
        Op("capture", "ePayment: capture an amount of an authorized payment (eCom v2 with `api: \"ecom\"`).",
           [REFERENCE, API, ("EPayment", cs + "CaptureModificationRequest"),
            opt("amount", ("ref", "EPaymentAmount"), "The amount to capture (or `modificationAmount`)."), *CALL_KEYS],
           [("EPayment", er + "AdjustResponse"), NORMALIZED, KEY_USED], relax=("modificationAmount",)),
        Op("refund", "ePayment: refund an amount of a captured payment (eCom v2 with `api: \"ecom\"`).",
           [REFERENCE, API, ("EPayment", cs + "RefundModificationRequest"),
            opt("amount", ("ref", "EPaymentAmount"), "The amount to refund (or `modificationAmount`)."), *CALL_KEYS],
           [("EPayment", er + "AdjustResponse"), NORMALIZED, KEY_USED], relax=("modificationAmount",)),
        Op("cancel", "ePayment: cancel what is not captured (eCom v2 with `api: \"ecom\"`).",
           [REFERENCE, API,
            opt("cancelTransactionOnly", BOOL, "ePayment: cancel only if the payment is not yet authorized."),
            opt("shouldReleaseRemainingFunds", BOOL, "eCom: release what is not captured after a partial capture."),
            *CALL_KEYS],
           [("EPayment", er + "AdjustResponse"), NORMALIZED, KEY_USED]),
        Op("force_approve", "ePayment test environment: approve a payment without the app (refused in production).",
           [REFERENCE, API, ("EPayment", cs + "ForceApprove"), *CALL_KEYS], []),
        Op("get_userinfo", "Userinfo API: the profile a customer shared with a payment (personal data).",
           [req("sub", STRING, "The payment's profile.sub (present once it is authorized)."), *CALL_KEYS[1:]],
           [req("sub", STRING, "The customer's id for this merchant."),
            opt("name", STRING, "Scope name: the full name."),
            opt("given_name", STRING, "Scope name: the first name."),
            opt("family_name", STRING, "Scope name: the last name."),
            opt("email", STRING, "Scope email."),
            opt("email_verified", BOOL, "Scope email: the address is verified."),
            opt("phone_number", STRING, "Scope phoneNumber: MSISDN, e.g. 4791234567."),
            opt("address", ANY, "Scope address: the home address (street_address, postal_code, region, country, ...)."),
            opt("other_addresses", ("list", ANY), "Scope address: further addresses."),
            opt("birthdate", STRING, "Scope birthDate: YYYY-MM-DD."),
            opt("nin", STRING, "Scope nin: the national identity number.")]),
        Op("ecom_initiate", "eCom v2 (legacy): initiate a payment (POST /ecomm/v2/payments).",
           [("Ecom", cs + "InitiatePaymentCommand"), *CALL_KEYS],
           [("Ecom", cs + "PaymentInitiationResponse"), KEY_USED,
            opt("auth_token", STRING, "The callbacks' authToken (given or derived from callback_secret).")]),
        Op("ecom_status", "eCom v2 (legacy, deprecated): an order's `/status`, with its normalized status name.",
           [REFERENCE, *CALL_KEYS],
           [("Ecom", cs + "PaymentStatus"),
            req("normalized_status", ("union", [("ref", "NormalizedStatus"), ("prim", "null")]),
                "The normalized status name, or null for a status the library does not know.")]),
        Op("add_receipt", "Order Management v2: add a payment's receipt (a second one, the API's 409, is success with `created: false`).",
           [*OM_ORDER, ("OrderManagementV2", cs + "Receipt"),
            opt("payment_amount", ("ref", "EPaymentAmount"),
                "The payment's amount: the lines (returns negative) plus tipAmount must make it."), *CALL_KEYS[1:]],
           [*OM_ANSWER, *CREATED_ONCE]),
        Op("get_order", "Order Management v2: the stored category and receipt of an order.",
           [*OM_ORDER, *CALL_KEYS[1:]], [("OrderManagementV2", cs + "OrderV2Response"), *OM_ANSWER]),
        Op("set_category", "Order Management v2: the link the app shows with a payment (the latest wins).",
           [*OM_ORDER, ("OrderManagementV2", cs + "Order"), *CALL_KEYS[1:]],
           [*OM_ANSWER, ("OrderManagementV2", cs + "Order"), req("set", BOOL, "The category was set.")]),
        Op("upload_image", "Order Management v1 images: upload a PNG or JPEG; the id defaults to the hex SHA-256 of its bytes.",
           [("OrderManagementV2", cs + "Image"), *CALL_KEYS[1:]],
           [req("image_id", STRING, "The image's id."), req("bytes", INT, "The image's size in bytes."), *CREATED_ONCE],
           relax=("imageId", "type")),
        Op("build_receipt", "No I/O: a receipt whose lines add up to the payment's amount (README, \"Receipts\").",
           [req("amount", ("ref", "EPaymentAmount"), "The amount the payment was created with."),
            req("lines", ("list", ("ref", "ReceiptLineInput")), "The shop's order lines."),
            opt("bottom_line", ANY, "Other bottom line fields (receiptNumber, tipAmount, ...), passed through.")],
           [("OrderManagementV2", cs + "Receipt")]),
        Op("register_webhook", "Webhooks v1: register a URL for ePayment events.",
           [("Webhooks", cs + "RegisterRequest"),
            req("events", ("list", ("ref", "WebhookEventName")), "The ePayment events to deliver."), *CALL_KEYS],
           [("Webhooks", cs + "RegisterResponse")]),
        Op("list_webhooks", "Webhooks v1: the registrations of the merchant serial number.",
           [*CALL_KEYS], [("Webhooks", cs + "QueryResponse")]),
        Op("delete_webhook", "Webhooks v1: delete a registration.",
           [req("id", STRING, "The registration's id."), *CALL_KEYS], []),
    ]


# Spec fields the library fills in itself, so a request may leave them out (README.md).
FILLED_BY_LIBRARY = {
    "CheckoutPaymentMerchantInfo": {"callbackAuthorizationToken"},  # derived from callback_secret
}


def pascal(snake: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in snake.split("_"))


def camel(snake: str) -> str:
    p = pascal(snake)
    return p[:1].lower() + p[1:]


def build() -> tuple[Specs, list[Named], list[tuple[Op, str, str]]]:
    specs = Specs()
    lib = library_types(specs)
    for n in lib:
        specs.named[n.name] = n
    # Bodies the library hands over whole without an operation of their own: the events of
    # get_payment_events, an ePayment webhook's body (event.raw), the access token answer.
    for prefix, schema in (("EPayment", "PaymentEvent"), ("EPayment", "WebhookEvent"),
                           ("Ecom", "TransactionUpdateCallbackOneOf"),
                           ("AccessToken", "AuthorizationTokenResponse")):
        specs.schema_ref(prefix, "#/components/schemas/" + schema)
    ops = []
    for op in operations():
        names = []
        for part, suffix in ((op.request, "Request"), (op.answer, "Answer")):
            name = pascal(op.name) + suffix
            merged: dict[str, Field] = {}
            sources = []
            for item in part:
                if isinstance(item, Field):
                    merged[item.name] = item
                    continue
                prefix, ref = item
                t = specs.body_schema(prefix, ref) if "/responses/" in ref else specs.schema_ref(prefix, ref)
                sources.append(f"{SPEC_FILES[prefix]} {ref.lstrip('#')}")
                for f in specs.struct_fields(t):
                    merged[f.name] = f
            own = {item.name for item in part if isinstance(item, Field)}
            relaxed = {n for n in merged if n not in own and ("*" in op.relax or n in op.relax)}
            fields = [Field(f.name, f.type, f.required and f.name not in relaxed, f.doc)
                      for f in merged.values()]
            specs.named[name] = Named(name, ("struct", fields), op.doc,
                                      "; ".join(sources + ["library"]) if sources else "library")
            names.append(name)
        ops.append((op, names[0], names[1]))
    for name, filled in FILLED_BY_LIBRARY.items():
        n = specs.named[name]
        n.type = ("struct", [Field(f.name, f.type, f.required and f.name not in filled,
                                   f.doc + (" Filled in by the library when left out." if f.name in filled else ""))
                             for f in n.type[1]])
    return specs, lib, ops


# ---- emitters ------------------------------------------------------------------------------

HEADER = "Generated by scripts/gen-types.py from ../shared/specs and the library's additions. Do not edit."


def ts_type(t: tuple) -> str:
    k = t[0]
    if k == "prim":
        return {"string": "string", "int": "number", "number": "number", "bool": "boolean",
                "any": "unknown", "null": "null"}[t[1]]
    if k == "lit":
        return " | ".join(repr_lit(v, "'") for v in t[1]) or "never"
    if k == "ref":
        return t[1]
    if k == "list":
        inner = ts_type(t[1])
        return f"Array<{inner}>"
    if k == "map":
        return f"Record<string, {ts_type(t[1])}>"
    if k == "union":
        return " | ".join(ts_type(x) for x in t[1])
    raise ValueError(t)


def repr_lit(v: Any, quote: str) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v).replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"{quote}{s}{quote}"


def ts_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", name) else repr_lit(name, "'")


def doc_text(text: str) -> str:
    return text.replace("*/", "*\\/")


def emit_ts(named: list[Named]) -> str:
    out = [f"// {HEADER}", "// Re-exported by index.d.ts as the namespace `ApiTypes`. Object types are type aliases,",
           "// not interfaces: an alias is assignable to the binding's open request types (an index",
           "// signature), while a literal with a misspelt key is still refused.", ""]
    for n in named:
        if n.doc:
            out.append(f"/** {doc_text(n.doc)} */")
        if n.type[0] == "struct":
            out.append(f"export type {n.name} = {{")
            for f in n.type[1]:
                if f.doc:
                    out.append(f"  /** {doc_text(f.doc)} */")
                out.append(f"  {ts_key(f.name)}{'' if f.required else '?'}: {ts_type(f.type)};")
            out.append("};")
        else:
            out.append(f"export type {n.name} = {ts_type(n.type)};")
        out.append("")
    return "\n".join(out)


def py_type(t: tuple) -> str:
    k = t[0]
    if k == "prim":
        return {"string": "str", "int": "int", "number": "float", "bool": "bool",
                "any": "Any", "null": "None"}[t[1]]
    if k == "lit":
        return "Literal[" + ", ".join(repr_lit(v, '"') for v in t[1]) + "]"
    if k == "ref":
        return t[1]
    if k == "list":
        return f"List[{py_type(t[1])}]"
    if k == "map":
        return f"Dict[str, {py_type(t[1])}]"
    if k == "union":
        return "Union[" + ", ".join(py_type(x) for x in t[1]) + "]"
    raise ValueError(t)


def py_ok(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def py_comment(text: str, indent: str) -> list[str]:
    return [f"{indent}#: {text}"] if text else []


def emit_py_struct(n: Named) -> list[str]:
    fields = n.type[1]
    out: list[str] = []
    if not all(py_ok(f.name) for f in fields):
        # A key that is not an identifier: TypedDict's functional form (both parts total=False
        # would lose "required"; the spec keys here never are, so this stays simple).
        items = ", ".join(f"{repr_lit(f.name, chr(34))}: {py_type(f.type)}" for f in fields)
        return [f"{n.name} = TypedDict({n.name!r}, {{{items}}}, total=False)", "", ""]
    required = [f for f in fields if f.required]
    optional = [f for f in fields if not f.required]
    base = "TypedDict"
    if required and optional:
        base = f"_{n.name}Required"
        out.append(f"class {base}(TypedDict):")
        for f in required:
            out += py_comment(f.doc, "    ") + [f"    {f.name}: {py_type(f.type)}"]
        out += ["", ""]
    total = "" if not optional else ", total=False"
    out.append(f"class {n.name}({base}{total}):")
    if n.doc:
        out.append(f'    """{n.doc.replace(chr(92), chr(92) * 2).replace(chr(34) * 3, "")}"""')
        out.append("")
    body = optional if (required and optional) else fields
    for f in body:
        out += py_comment(f.doc, "    ") + [f"    {f.name}: {py_type(f.type)}"]
    if not body:
        out.append("    pass")
    return out + ["", ""]


def alias_deps(t: tuple) -> set[str]:
    if t[0] == "ref":
        return {t[1]}
    if t[0] in ("list", "map"):
        return alias_deps(t[1])
    if t[0] == "union":
        return set().union(*(alias_deps(x) for x in t[1]))
    return set()


def emit_py(named: list[Named]) -> str:
    out = [f'"""{HEADER}', "",
           "TypedDicts of the requests and answers of every operation (``CreatePaymentRequest``,",
           "``CreatePaymentAnswer``, ...) and of the specs' schemas they use (prefixed with their API:",
           "``EPaymentAmount``, ``CheckoutSessionResponse``, ...). For type checkers: a request is a plain",
           'dict at run time."""', "",
           "from __future__ import annotations", "",
           "from typing import Any, Dict, List, Literal, TypedDict, Union", "", ""]
    # Classes first (their annotations are lazy), then aliases in dependency order, since an
    # alias is evaluated when the module is imported.
    aliases = {n.name: n for n in named if n.type[0] != "struct"}
    for n in named:
        if n.type[0] == "struct":
            out += emit_py_struct(n)
    done: set[str] = set()

    def emit_alias(n: Named) -> None:
        if n.name in done:
            return
        done.add(n.name)
        for d in sorted(alias_deps(n.type)):
            if d in aliases:
                emit_alias(aliases[d])
        out.extend(py_comment(n.doc, "") + [f"{n.name} = {py_type(n.type)}", ""])

    for n in aliases.values():
        emit_alias(n)
    return "\n".join(out).rstrip() + "\n"


def php_type(t: tuple) -> str:
    k = t[0]
    if k == "prim":
        return {"string": "string", "int": "int", "number": "int|float", "bool": "bool",
                "any": "mixed", "null": "null"}[t[1]]
    if k == "lit":
        return "|".join(repr_lit(v, "'") for v in t[1])
    if k == "ref":
        return t[1]
    if k == "list":
        return f"list<{php_type(t[1])}>"
    if k == "map":
        return f"array<string, {php_type(t[1])}>"
    if k == "union":
        return "|".join(php_type(x) for x in t[1])
    raise ValueError(t)


def php_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else repr_lit(name, "'")


def emit_php(named: list[Named]) -> str:
    out = ["<?php", "", "declare(strict_types=1);", "", "namespace Vipps;", "", "/**",
           f" * {HEADER}", " *",
           " * Array shapes of the requests and answers of every operation (CreatePaymentRequest,",
           " * CreatePaymentAnswer, ...) and of the specs' schemas they use, prefixed with their API.",
           " * `@psalm-type` is read by Psalm and by PHPStan; import one with",
           " * `@psalm-import-type CreatePaymentRequest from \\Vipps\\ApiTypes` (or `@phpstan-import-type`).",
           " * Shapes end in `...`: the APIs' other fields pass through.", " *"]
    for n in named:
        if n.type[0] == "struct":
            out.append(f" * @psalm-type {n.name} array{{")
            for f in n.type[1]:
                out.append(f" *     {php_key(f.name)}{'' if f.required else '?'}: {php_type(f.type)},")
            out.append(" *     ...")
            out.append(" * }")
        else:
            out.append(f" * @psalm-type {n.name} {php_type(n.type)}")
    out += [" */", "final class ApiTypes", "{", "}", ""]
    return "\n".join(out)


def emit_docs(specs: Specs, ops: list[tuple[Op, str, str]]) -> str:
    out = ["# Requests and answers of every operation", "",
           f"{HEADER} Types are written in TypeScript notation; `?` marks an optional field.",
           "Each request also accepts the API's other fields, passed through untouched.", "",
           "| operation | Python | Node | PHP | request | answer |", "|---|---|---|---|---|---|"]
    for op, rq, an in ops:
        m = op.method or op.name
        out.append(f"| {op.doc} | `{m}` | `{camel(m)}` | `{camel(m)}` | [{rq}](#{rq.lower()}) | [{an}](#{an.lower()}) |")
    out += ["", "The webhook event names: " + ", ".join(f"`{v}`" for v in specs.named["WebhookEventName"].type[1]) + ".",
            "", "The error kinds: " + ", ".join(f"`{v}`" for v in ERROR_KINDS) + ".", ""]
    for n in specs.named.values():
        out += [f"## {n.name}", "", n.doc, "", f"From: {n.origin}", ""]
        if n.type[0] == "struct":
            out += ["| field | type | required | description |", "|---|---|---|---|"]
            for f in n.type[1]:
                ty = ts_type(f.type).replace("|", "\\|")
                out.append(f"| `{f.name}` | `{ty}` | {'yes' if f.required else ''} | {f.doc.replace('|', '/')} |")
        else:
            out.append("`" + ts_type(n.type).replace("|", "\\|") + "`")
        out.append("")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="fail when a generated file is stale")
    ap.add_argument("--docs", type=Path, help="also write the Markdown field reference here")
    args = ap.parse_args()
    specs, _, ops = build()
    named = list(specs.named.values())
    files = {TS_OUT: emit_ts(named), PY_OUT: emit_py(named), PHP_OUT: emit_php(named)}
    stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(REPO)} (run scripts/gen-types.py, or `make types`)", file=sys.stderr)
        if not stale:
            print(f"generated types up to date ({len(named)} types, {len(ops)} operations)")
    else:
        for p in stale:
            p.write_text(files[p])
            print(f"wrote {p.relative_to(REPO)}")
    if args.docs:
        args.docs.parent.mkdir(parents=True, exist_ok=True)
        args.docs.write_text(emit_docs(specs, ops))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
