<?php

declare(strict_types=1);

namespace Vipps;

/**
 * Reads the current PHP request into the form Client::handleCallback() takes, and sends the
 * answer the library returns.
 *
 *     [$request, $body] = Vipps\CallbackRequest::fromGlobals(['reference' => $orderRef]);
 *     $result = $client->handleCallback($request, $body);
 *     Vipps\CallbackRequest::send($result['response']);
 *     exit; // inside WordPress/WooCommerce: nothing may be printed after the answer
 *
 * Inside WordPress, fromGlobals() undoes the slashes WordPress adds to $_SERVER, and send() wins
 * over the 200 status line and the output buffers WooCommerce's wc-api sets up (see each method).
 */
final class CallbackRequest
{
    /**
     * The current request: method, URI (path and query as received), headers (getallheaders(), or
     * $_SERVER HTTP_* plus CONTENT_TYPE/CONTENT_LENGTH and the Authorization fallbacks), and the raw
     * body from php://input.
     *
     * The URL the library checks is REQUEST_URI unless `$extra['url']` gives it: a plugin that
     * knows the exact path and query it registered (or that runs behind a rewrite) passes it there.
     * Any key of `$extra` wins over the value read from the request.
     *
     * WordPress adds slashes to $_SERVER (wp_magic_quotes(), in every request), so REQUEST_URI of a
     * webhook to `/?order=o'1` reads `/?order=o\'1` and its signature would not match. `$unslash`
     * decides whether the values read from `$server` (REQUEST_URI, REQUEST_METHOD and the HTTP_*
     * headers; never getallheaders(), never the body) lose those slashes again:
     *   - null (default): yes exactly when reading the real $_SERVER inside WordPress, detected by
     *     the presence of its wp_unslash() function; a `$server` array passed in is taken as is;
     *   - true / false: always / never.
     * Slashes are removed with stripslashes(), which is what wp_unslash() does to a string.
     *
     * @param array<string, mixed> $extra merged into the request: kind, expected_token, reference, url
     * @param array<string, mixed>|null $server defaults to $_SERVER
     * @param string|null $body defaults to php://input
     * @param bool|null $unslash undo magic quotes on values read from $server (null: detect WordPress)
     * @return array{0: array<string, mixed>, 1: string}
     */
    public static function fromGlobals(array $extra = [], ?array $server = null, ?string $body = null, ?bool $unslash = null): array
    {
        $real = $server === null;
        $server ??= $_SERVER;
        $unslash ??= $real && function_exists('wp_unslash');
        if ($unslash) {
            $server = array_map(static fn ($v) => is_string($v) ? stripslashes($v) : $v, $server);
        }
        $headers = ($real && function_exists('getallheaders')) ? getallheaders() : false;
        if (!is_array($headers)) {
            $headers = self::headersFromServer($server);
        }
        if (!self::hasHeader($headers, 'Authorization')) {
            foreach (['HTTP_AUTHORIZATION', 'REDIRECT_HTTP_AUTHORIZATION'] as $key) {
                if (isset($server[$key]) && is_string($server[$key]) && $server[$key] !== '') {
                    $headers['Authorization'] = $server[$key];
                    break;
                }
            }
        }
        if ($body === null) {
            $read = file_get_contents('php://input');
            $body = $read === false ? '' : $read;
        }
        $request = $extra + [
            'method' => (string) ($server['REQUEST_METHOD'] ?? 'POST'),
            'url' => (string) ($server['REQUEST_URI'] ?? '/'),
            'headers' => $headers === [] ? new \stdClass() : $headers,
        ];
        return [$request, $body];
    }

    /**
     * Headers from $_SERVER-style variables (HTTP_X_MS_DATE → X-Ms-Date).
     *
     * @param array<string, mixed> $server
     * @return array<string, string>
     */
    public static function headersFromServer(array $server): array
    {
        $headers = [];
        foreach ($server as $key => $value) {
            if (!is_string($value)) {
                continue;
            }
            if (strncmp((string) $key, 'HTTP_', 5) === 0) {
                $name = substr((string) $key, 5);
            } elseif ($key === 'CONTENT_TYPE' || $key === 'CONTENT_LENGTH') {
                $name = (string) $key;
            } else {
                continue;
            }
            $name = str_replace(' ', '-', ucwords(strtolower(str_replace('_', ' ', $name))));
            $headers[$name] = $value;
        }
        return $headers;
    }

    /**
     * Sends {status, headers, body} as the HTTP answer (a null body sends nothing), so that the
     * status and the body are exactly the library's whatever the host framework did before:
     *   - The status goes out as a full status line, `header("HTTP/1.1 401 Unauthorized", true, 401)`
     *     (the protocol of SERVER_PROTOCOL, default HTTP/1.1, and the standard reason phrase), as
     *     WordPress's status_header() does. http_response_code() alone does not replace a status
     *     line set before: WooCommerce's wc-api dispatcher calls status_header(200) before the
     *     plugin's action, so a refused webhook (401) would have gone out as 200 and never been
     *     retried.
     *   - Every open output buffer is discarded first (WooCommerce runs the action inside
     *     ob_start()), so nothing printed before ends up in front of the body.
     * Headers set before with header() are kept. When the headers have already gone out (output
     * was flushed before), the status can no longer be set: a \LogicException says where the
     * output started, instead of a silent 200.
     *
     * Inside WordPress, `exit` right after send(): WooCommerce prints `-1` and WordPress may
     * print more after the action returns, which would corrupt a shipping-callback body.
     *
     *     Vipps\CallbackRequest::send($result['response']);
     *     exit;
     *
     * @param array<string, mixed> $response the `response` of handleCallback or shippingOptionsResponse
     */
    public static function send(array $response): void
    {
        $code = (int) ($response['status'] ?? 500);
        if ($code < 100 || $code > 599) {
            throw new \InvalidArgumentException("response status $code is not an HTTP status (100-599)");
        }
        while (ob_get_level() > 0) {
            if (!@ob_end_clean()) {
                break; // a buffer that cannot be removed (PHP_OUTPUT_HANDLER_REMOVABLE unset)
            }
        }
        if (headers_sent($file, $line)) {
            throw new \LogicException("cannot send the HTTP status $code: output started at $file:$line");
        }
        header(self::protocol() . " $code " . (self::REASONS[$code] ?? ''), true, $code);
        foreach (($response['headers'] ?? []) as $name => $value) {
            foreach ((array) $value as $one) {
                header($name . ': ' . $one, false);
            }
        }
        $body = $response['body'] ?? null;
        if ($body === null || $body === '') {
            return;
        }
        echo is_string($body) ? $body : json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    /** The request's protocol (HTTP/1.0, HTTP/1.1, HTTP/2, ...) when it is one, else HTTP/1.1. */
    private static function protocol(): string
    {
        $protocol = $_SERVER['SERVER_PROTOCOL'] ?? '';
        return is_string($protocol) && preg_match('~^HTTP/[0-9](\.[0-9])?$~D', $protocol) === 1 ? $protocol : 'HTTP/1.1';
    }

    /** Reason phrases of the status codes in RFC 9110 and RFC 6585. */
    private const REASONS = [
        100 => 'Continue', 101 => 'Switching Protocols',
        200 => 'OK', 201 => 'Created', 202 => 'Accepted', 203 => 'Non-Authoritative Information',
        204 => 'No Content', 205 => 'Reset Content', 206 => 'Partial Content',
        300 => 'Multiple Choices', 301 => 'Moved Permanently', 302 => 'Found', 303 => 'See Other',
        304 => 'Not Modified', 305 => 'Use Proxy', 307 => 'Temporary Redirect', 308 => 'Permanent Redirect',
        400 => 'Bad Request', 401 => 'Unauthorized', 402 => 'Payment Required', 403 => 'Forbidden',
        404 => 'Not Found', 405 => 'Method Not Allowed', 406 => 'Not Acceptable',
        407 => 'Proxy Authentication Required', 408 => 'Request Timeout', 409 => 'Conflict', 410 => 'Gone',
        411 => 'Length Required', 412 => 'Precondition Failed', 413 => 'Content Too Large',
        414 => 'URI Too Long', 415 => 'Unsupported Media Type', 416 => 'Range Not Satisfiable',
        417 => 'Expectation Failed', 421 => 'Misdirected Request', 422 => 'Unprocessable Content',
        426 => 'Upgrade Required', 428 => 'Precondition Required', 429 => 'Too Many Requests',
        431 => 'Request Header Fields Too Large',
        500 => 'Internal Server Error', 501 => 'Not Implemented', 502 => 'Bad Gateway',
        503 => 'Service Unavailable', 504 => 'Gateway Timeout', 505 => 'HTTP Version Not Supported',
        511 => 'Network Authentication Required',
    ];

    /** @param array<string, mixed> $headers */
    private static function hasHeader(array $headers, string $name): bool
    {
        foreach ($headers as $key => $_) {
            if (strcasecmp((string) $key, $name) === 0) {
                return true;
            }
        }
        return false;
    }
}
