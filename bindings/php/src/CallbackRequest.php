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
 */
final class CallbackRequest
{
    /**
     * The current request: method, URI (path and query as received), headers (getallheaders(), or
     * $_SERVER HTTP_* plus CONTENT_TYPE/CONTENT_LENGTH and the Authorization fallbacks), and the raw
     * body from php://input.
     *
     * @param array<string, mixed> $extra merged into the request: kind, expected_token, reference
     * @param array<string, mixed>|null $server defaults to $_SERVER
     * @param string|null $body defaults to php://input
     * @return array{0: array<string, mixed>, 1: string}
     */
    public static function fromGlobals(array $extra = [], ?array $server = null, ?string $body = null): array
    {
        $server ??= $_SERVER;
        $headers = ($server === $_SERVER && function_exists('getallheaders')) ? getallheaders() : false;
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
        $request = [
            'method' => (string) ($server['REQUEST_METHOD'] ?? 'POST'),
            'url' => (string) ($server['REQUEST_URI'] ?? '/'),
            'headers' => $headers === [] ? new \stdClass() : $headers,
        ] + $extra;
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
     * Sends {status, headers, body} as the HTTP answer (a null body sends nothing).
     *
     * @param array<string, mixed> $response the `response` of handleCallback or shippingOptionsResponse
     */
    public static function send(array $response): void
    {
        http_response_code((int) ($response['status'] ?? 500));
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
