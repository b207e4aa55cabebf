<?php

declare(strict_types=1);

namespace Vipps;

/**
 * A Vipps MobilePay client backed by libvipps. Methods take the request as a PHP array (the API's
 * own camelCase JSON body plus the library's snake_case keys such as `reference` and
 * `idempotency_key`, see the repository README) and return the answer's `data` as an array.
 * Failures throw a subclass of VippsException chosen by the error kind.
 *
 * One client holds one native handle (thread-safe, token cache shared per process); create it
 * once per request or keep it in a long-running worker. The handle is freed on destruction.
 *
 *     $vipps = new Vipps\Client(['base_url' => 'http://127.0.0.1:7878', 'system_name' => 'shop',
 *         'system_version' => '1.0', 'plugin_name' => 'acme-vipps', 'plugin_version' => '1.0']);
 *     $payment = $vipps->createPayment(['reference' => 'acme-1001', 'amount' => ['value' => 4900,
 *         'currency' => 'NOK'], 'paymentMethod' => ['type' => 'WALLET'], 'userFlow' => 'WEB_REDIRECT',
 *         'returnUrl' => 'https://shop.example/return']);
 */
final class Client
{
    private \FFI $ffi;
    /** @var \FFI\CData|null the vipps_client* handle */
    private $handle;

    /**
     * @param array<string, mixed> $config the configuration object of vipps_client_new (an empty
     *        array targets the simulator at http://127.0.0.1:7878 with its default credentials)
     * @param string|null $libraryPath an absolute path of libvipps.so; by default a preloaded
     *        "VIPPS" FFI scope, else Native::setLibraryPath(), VIPPS_LIB, target/release, target/debug
     * @param string|null $headerPath the path of vipps_php.h, for a vendored copy of the binding
     *        whose include/ is elsewhere; by default Native::setHeaderPath(), VIPPS_HEADER, then the
     *        package's include/
     * @throws ConfigException for a refused configuration or a library that cannot be loaded
     */
    public function __construct(array $config = [], ?string $libraryPath = null, ?string $headerPath = null)
    {
        $this->ffi = Native::ffi($libraryPath, $headerPath);
        $error = $this->ffi->new('char *');
        $handle = $this->ffi->vipps_client_new(Native::encode($config), \FFI::addr($error));
        if ($handle === null || \FFI::isNull($handle)) {
            if (\FFI::isNull($error)) {
                throw VippsException::of('internal', 'vipps_client_new failed without an error');
            }
            Native::unwrap(Native::take($this->ffi, $error));
            throw VippsException::of('internal', 'vipps_client_new failed with an ok envelope');
        }
        $this->handle = $handle;
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            $this->ffi->vipps_client_free($this->handle);
            $this->handle = null;
        }
    }

    public function __clone()
    {
        throw new \LogicException('a Vipps\\Client owns a native handle and cannot be cloned; share it instead');
    }

    /** The library version (static in the library, never freed). */
    public static function version(?string $libraryPath = null): string
    {
        return Native::ffi($libraryPath)->vipps_version();
    }

    /** The library's ABI version (this binding refuses anything but Native::ABI_VERSION). */
    public static function abiVersion(?string $libraryPath = null): int
    {
        return Native::ffi($libraryPath)->vipps_abi_version();
    }

    /**
     * An order id per the orderId recommendations, e.g. makeOrderId(['prefix' => 'acme',
     * 'order_number' => 1001, 'attempt' => 2]). Needs no client and does no I/O.
     *
     * @param array<string, mixed> $request {prefix, order_number, msn?, attempt?}
     */
    public static function makeOrderId(array $request, ?string $libraryPath = null): string
    {
        $ffi = Native::ffi($libraryPath);
        $data = Native::unwrap(Native::take($ffi, $ffi->vipps_make_order_id(Native::encode($request))));
        return (string) $data['order_id'];
    }

    /**
     * A stable idempotency key, e.g. idempotencyKey(['reference' => 'acme-1001', 'operation' =>
     * 'capture', 'attempt' => 1]) → "capture-1-acme-1001". The same input gives the same key,
     * within the API's limit (api 'ecom': X-Request-Id's 40 characters): store the inputs on the
     * order before a money call, and a retry after a crash sends the same key. No I/O.
     *
     * @param array<string, mixed> $request {reference, operation, attempt?, api?}
     */
    public static function idempotencyKey(array $request, ?string $libraryPath = null): string
    {
        $ffi = Native::ffi($libraryPath);
        $data = Native::unwrap(Native::take($ffi, $ffi->vipps_idempotency_key(Native::encode($request))));
        return (string) $data['idempotency_key'];
    }

    /**
     * A receipt's orderLines and bottomLine from a shop's lines and the payment's amount, with the
     * tax rounding of the README's "Receipts" (integer minor units, per line half away from zero,
     * tax derived from the gross). Throws InvalidInputException naming the lines and the
     * difference when they do not add up to the amount. Needs no client and does no I/O; pass
     * the answer to addReceipt().
     *
     * @param array<string, mixed> $request {amount: {value, currency}, lines: [{name, id,
     *     quantity?, unit_price | total_amount, tax_rate (basis points, 2500 = 25 %) |
     *     tax_percentage, discount?, is_shipping?, is_return?, quantity_unit?, product_url?}],
     *     bottom_line?}
     * @return array<string, mixed> {orderLines, bottomLine}
     */
    public static function buildReceipt(array $request, ?string $libraryPath = null): array
    {
        $ffi = Native::ffi($libraryPath);
        $data = Native::unwrap(Native::take($ffi, $ffi->vipps_build_receipt(Native::encode($request))));
        return is_array($data) ? $data : [];
    }

    // ---- Checkout v3 ----

    /** @param array<string, mixed> $request @return array<string, mixed> */
    public function createSession(array $request): array
    {
        return $this->call('vipps_create_session', $request);
    }

    /** @param array<string, mixed> $request {reference} @return array<string, mixed> */
    public function getSession(array $request): array
    {
        return $this->call('vipps_get_session', $request);
    }

    /** @param array<string, mixed> $request @return array<string, mixed> */
    public function updateSession(array $request): array
    {
        return $this->call('vipps_update_session', $request);
    }

    /** @param array<string, mixed> $request {reference} @return array<string, mixed> */
    public function expireSession(array $request): array
    {
        return $this->call('vipps_expire_session', $request);
    }

    // ---- ePayment v1 (and eCom v2 with 'api' => 'ecom') ----

    /** @param array<string, mixed> $request @return array<string, mixed> */
    public function createPayment(array $request): array
    {
        return $this->call('vipps_create_payment', $request);
    }

    /** @param array<string, mixed> $request {reference, api?} @return array<string, mixed> */
    public function getPayment(array $request): array
    {
        return $this->call('vipps_get_payment', $request);
    }

    /** @param array<string, mixed> $request {reference} @return array<mixed> */
    public function getPaymentEvents(array $request): array
    {
        return $this->call('vipps_get_payment_events', $request);
    }

    /** @param array<string, mixed> $request {reference, amount, idempotency_key?, api?} @return array<string, mixed> */
    public function capture(array $request): array
    {
        return $this->call('vipps_capture', $request);
    }

    /** @param array<string, mixed> $request {reference, amount, idempotency_key?, api?} @return array<string, mixed> */
    public function refund(array $request): array
    {
        return $this->call('vipps_refund', $request);
    }

    /** @param array<string, mixed> $request {reference, idempotency_key?, api?} @return array<string, mixed> */
    public function cancel(array $request): array
    {
        return $this->call('vipps_cancel', $request);
    }

    /** Test environments only. @param array<string, mixed> $request @return array<string, mixed> */
    public function forceApprove(array $request): array
    {
        return $this->call('vipps_force_approve', $request);
    }

    /**
     * Userinfo API: the profile a customer shared with a payment (personal data).
     * @param array<string, mixed> $request {sub} (the payment's profile.sub)
     * @return array<string, mixed> the claims of the granted scopes (name, email, phone_number, address, ...), plus sub
     */
    public function getUserinfo(array $request): array
    {
        return $this->call('vipps_get_userinfo', $request);
    }

    /** @param array<string, mixed> $request {reference, api?} @return array<string, mixed> */
    public function reconcile(array $request): array
    {
        return $this->call('vipps_reconcile', $request);
    }

    /** Blocks until the payment is final or `timeout_ms`. @param array<string, mixed> $request @return array<string, mixed> */
    public function waitForFinalStatus(array $request): array
    {
        return $this->call('vipps_wait_for_final_status', $request);
    }

    // ---- Inbound: callbacks and webhooks ----

    /**
     * Verifies and normalizes an inbound callback or webhook. Always answers (for a valid
     * $request) with {event, response}; a forged request is `event.verified === false` with
     * `response.status` 401. Send `response` back (see CallbackRequest::send()).
     *
     * @param array<string, mixed> $request {method, url, headers, kind?, expected_token?, reference?}
     * @param string $body the raw body, exactly as received
     * @return array<string, mixed>
     */
    public function handleCallback(array $request, string $body): array
    {
        if (isset($request['headers']) && $request['headers'] === []) {
            $request['headers'] = new \stdClass();
        }
        $len = strlen($body);
        $buffer = null;
        if ($len > 0) {
            $buffer = $this->ffi->new("uint8_t[$len]");
            \FFI::memcpy($buffer, $body, $len);
        }
        $ptr = $this->ffi->vipps_handle_callback($this->handle, Native::encode($request), $buffer, $len);
        return Native::unwrap(Native::take($this->ffi, $ptr));
    }

    /**
     * Reads the current PHP request (CallbackRequest::fromGlobals) and handles it.
     *
     * @param array<string, mixed> $extra kind, expected_token, reference
     * @return array<string, mixed>
     */
    public function handleCurrentRequest(array $extra = []): array
    {
        [$request, $body] = CallbackRequest::fromGlobals($extra);
        return $this->handleCallback($request, $body);
    }

    /** @param array<string, mixed> $request {kind, options, order_id?, address_id?} @return array<string, mixed> */
    public function shippingOptionsResponse(array $request): array
    {
        return $this->call('vipps_shipping_options_response', $request);
    }

    /**
     * Folds a verified event into the stored record: {record, event} → {applied, reason, record}.
     * The record may be passed back as the array this method returned, or as its JSON string.
     *
     * @param array<string, mixed> $request
     * @return array<string, mixed>
     */
    public function applyEvent(array $request): array
    {
        $request['record'] = self::recordAsTheCoreWroteIt($request['record'] ?? null);
        return $this->call('vipps_apply_event', $request);
    }

    /**
     * The stored record as the library takes it: an array as applyEvent answered it (the library
     * reads the record's empty `operations`, which PHP turns from `{}` into `[]`, as empty), or
     * the record stored as its JSON text.
     *
     * @param mixed $record
     * @return mixed
     */
    private static function recordAsTheCoreWroteIt($record)
    {
        return is_string($record) ? json_decode($record, false, 512, JSON_THROW_ON_ERROR) : $record;
    }

    // ---- Webhooks API ----

    /** @param array<string, mixed> $request {url, events} @return array<string, mixed> {id, secret} */
    public function registerWebhook(array $request): array
    {
        return $this->call('vipps_register_webhook', $request);
    }

    /** @param array<string, mixed> $request @return array<mixed> */
    public function listWebhooks(array $request = []): array
    {
        return $this->call('vipps_list_webhooks', $request);
    }

    /** @param array<string, mixed> $request {id} @return array<mixed> */
    public function deleteWebhook(array $request): array
    {
        return $this->call('vipps_delete_webhook', $request);
    }

    /**
     * One registration for `url`, kept in step with `current` (the answer stored last time):
     * registers only when the URL or events changed or the registration is gone, then deletes the
     * registrations for the same URL whose secret is unknown. Store the answer (it holds the
     * secret, e.g. in an autoloaded=false option) and hold a lock around the call.
     *
     * @param array<string, mixed> $request {url, events, current?}
     * @return array<string, mixed> {id, secret, url, events, changed, removed, remove_errors}
     */
    public function ensureWebhook(array $request): array
    {
        return $this->call('vipps_ensure_webhook', $request);
    }

    // ---- eCom v2 (legacy) ----

    /** @param array<string, mixed> $request @return array<string, mixed> */
    public function ecomInitiate(array $request): array
    {
        return $this->call('vipps_ecom_initiate', $request);
    }

    /** @param array<string, mixed> $request {reference} @return array<string, mixed> */
    public function ecomStatus(array $request): array
    {
        return $this->call('vipps_ecom_status', $request);
    }

    // ---- Order Management v2 ----

    /**
     * Adds the payment's receipt. A receipt the order already has (the API's 409) is success:
     * ['created' => false, 'already_existed' => true].
     *
     * @param array<string, mixed> $request {reference, paymentType?, orderLines, bottomLine, payment_amount?}
     * @return array<string, mixed> {order_id, payment_type, created, already_existed}
     */
    public function addReceipt(array $request): array
    {
        return $this->call('vipps_add_receipt', $request);
    }

    /** @param array<string, mixed> $request {reference, paymentType?} @return array<string, mixed> {category, receipt, order_id, payment_type} */
    public function getOrder(array $request): array
    {
        return $this->call('vipps_get_order', $request);
    }

    /** @param array<string, mixed> $request {reference, paymentType?, category, orderDetailsUrl, imageId?} @return array<string, mixed> */
    public function setCategory(array $request): array
    {
        return $this->call('vipps_set_category', $request);
    }

    /**
     * Uploads a PNG or JPEG for category links. The id defaults to the hex SHA-256 of the image,
     * so uploading the same image again succeeds with 'created' => false.
     *
     * @param array<string, mixed> $request {src: base64 image, imageId?}
     * @return array<string, mixed> {image_id, bytes, created, already_existed}
     */
    public function uploadImage(array $request): array
    {
        return $this->call('vipps_upload_image', $request);
    }

    /**
     * @param array<string, mixed> $request
     * @return array<mixed>
     */
    private function call(string $function, array $request): array
    {
        $ptr = $this->ffi->{$function}($this->handle, Native::encode($request));
        $data = Native::unwrap(Native::take($this->ffi, $ptr));
        if ($data === null) {
            return [];
        }
        return is_array($data) ? $data : ['value' => $data];
    }
}
