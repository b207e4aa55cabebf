<?php

declare(strict_types=1);

namespace Vipps\Tests\Fpm;

/** A minimal FastCGI client (responder role, one request per connection) for talking to php-fpm. */
final class FastCgi
{
    /**
     * @param array<string, string> $params CGI parameters (SCRIPT_FILENAME, REQUEST_METHOD, HTTP_*…)
     * @return array{status: int, headers: array<string, string>, body: string, stderr: string}
     */
    public static function request(string $host, int $port, array $params, string $body = ''): array
    {
        $socket = @stream_socket_client("tcp://$host:$port", $errno, $error, 5);
        if ($socket === false) {
            throw new \RuntimeException("cannot connect to php-fpm at $host:$port: $error");
        }
        stream_set_timeout($socket, 30);
        $id = 1;
        $out = self::record(1, $id, pack('nCx5', 1, 0)); // BEGIN_REQUEST, role responder, no keep-alive
        $pairs = '';
        foreach ($params + ['CONTENT_LENGTH' => (string) strlen($body)] as $name => $value) {
            $pairs .= self::length(strlen($name)) . self::length(strlen((string) $value)) . $name . $value;
        }
        foreach (str_split($pairs, 65535) as $chunk) {
            $out .= self::record(4, $id, $chunk);
        }
        $out .= self::record(4, $id, '');
        foreach ($body === '' ? [] : str_split($body, 65535) as $chunk) {
            $out .= self::record(5, $id, $chunk);
        }
        $out .= self::record(5, $id, '');
        fwrite($socket, $out);

        $stdout = '';
        $stderr = '';
        while (!feof($socket)) {
            $header = self::read($socket, 8);
            if ($header === null) {
                break;
            }
            $h = unpack('Cversion/Ctype/nid/nlength/Cpadding/Creserved', $header);
            $content = $h['length'] > 0 ? (string) self::read($socket, $h['length']) : '';
            if ($h['padding'] > 0) {
                self::read($socket, $h['padding']);
            }
            if ($h['type'] === 6) {
                $stdout .= $content;
            } elseif ($h['type'] === 7) {
                $stderr .= $content;
            } elseif ($h['type'] === 3) {
                break;
            }
        }
        fclose($socket);
        [$head, $text] = array_pad(explode("\r\n\r\n", $stdout, 2), 2, '');
        $headers = [];
        $status = 200;
        foreach (explode("\r\n", $head) as $line) {
            if (strpos($line, ':') === false) {
                continue;
            }
            [$name, $value] = array_map('trim', explode(':', $line, 2));
            if (strcasecmp($name, 'Status') === 0) {
                $status = (int) $value;
            }
            $headers[strtolower($name)] = $value;
        }
        return ['status' => $status, 'headers' => $headers, 'body' => $text, 'stderr' => $stderr];
    }

    private static function record(int $type, int $id, string $content): string
    {
        $padding = (8 - strlen($content) % 8) % 8;
        return pack('CCnnCx', 1, $type, $id, strlen($content), $padding) . $content . str_repeat("\0", $padding);
    }

    private static function length(int $n): string
    {
        return $n < 128 ? chr($n) : pack('N', $n | 0x80000000);
    }

    /** @param resource $socket */
    private static function read($socket, int $n): ?string
    {
        $data = '';
        while (strlen($data) < $n && !feof($socket)) {
            $chunk = fread($socket, $n - strlen($data));
            if ($chunk === false || $chunk === '') {
                if (feof($socket)) {
                    break;
                }
                continue;
            }
            $data .= $chunk;
        }
        return strlen($data) === $n ? $data : null;
    }
}
