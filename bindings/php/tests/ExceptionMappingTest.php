<?php

declare(strict_types=1);

namespace Vipps\Tests;

use PHPUnit\Framework\TestCase;
use Vipps\ApiException;
use Vipps\ConfigException;
use Vipps\ConflictException;
use Vipps\InternalException;
use Vipps\NetworkException;
use Vipps\Native;
use Vipps\NotFoundException;
use Vipps\RateLimitedException;
use Vipps\SignatureInvalidException;
use Vipps\TimeoutException;
use Vipps\UnauthorizedException;
use Vipps\UnknownOutcomeException;
use Vipps\InvalidInputException;
use Vipps\VippsException;

final class ExceptionMappingTest extends TestCase
{
    /** @return array<string, array{string, class-string}> */
    public static function kinds(): array
    {
        return [
            'invalid_input' => ['invalid_input', InvalidInputException::class],
            'config' => ['config', ConfigException::class],
            'unauthorized' => ['unauthorized', UnauthorizedException::class],
            'api' => ['api', ApiException::class],
            'conflict' => ['conflict', ConflictException::class],
            'not_found' => ['not_found', NotFoundException::class],
            'rate_limited' => ['rate_limited', RateLimitedException::class],
            'timeout' => ['timeout', TimeoutException::class],
            'network' => ['network', NetworkException::class],
            'signature_invalid' => ['signature_invalid', SignatureInvalidException::class],
            'internal' => ['internal', InternalException::class],
            'unknown_outcome' => ['unknown_outcome', UnknownOutcomeException::class],
        ];
    }

    /** @dataProvider kinds */
    public function testEveryKindMapsToItsClassThroughAnEnvelope(string $kind, string $class): void
    {
        $envelope = json_encode(['ok' => false, 'error' => [
            'kind' => $kind, 'message' => "a $kind error", 'retryable' => $kind === 'timeout',
            'http_status' => 409, 'problem' => ['title' => 'T', 'traceId' => 'tr-1'], 'trace_id' => 'tr-1',
            'error_code' => '6090', 'idempotency_key' => 'key-1',
        ]]);
        try {
            Native::unwrap($envelope);
            self::fail('no exception');
        } catch (VippsException $e) {
            self::assertSame($class, get_class($e));
            self::assertSame($kind, $e->getKind());
            self::assertSame("a $kind error", $e->getMessage());
            self::assertSame($kind === 'timeout', $e->isRetryable());
            self::assertSame(409, $e->getHttpStatus());
            self::assertSame(['title' => 'T', 'traceId' => 'tr-1'], $e->getProblem());
            self::assertSame('tr-1', $e->getTraceId());
            self::assertSame('6090', $e->getErrorCode());
            self::assertSame('key-1', $e->getIdempotencyKey());
        }
    }

    public function testSignatureAndInternalKindsDirectly(): void
    {
        $sig = VippsException::fromError(['kind' => 'signature_invalid', 'message' => 'bad signature', 'retryable' => false,
            'http_status' => null, 'problem' => null, 'trace_id' => null]);
        self::assertInstanceOf(SignatureInvalidException::class, $sig);
        self::assertFalse($sig->isRetryable());
        self::assertNull($sig->getHttpStatus());
        self::assertNull($sig->getProblem());
        self::assertNull($sig->getTraceId());

        $internal = VippsException::fromError(['kind' => 'internal', 'message' => 'panic: boom', 'retryable' => false]);
        self::assertInstanceOf(InternalException::class, $internal);
        self::assertSame('panic: boom', $internal->getMessage());
    }

    public function testHierarchy(): void
    {
        // The same hierarchy as Python's and Node's: the API's refusals under Api, an unknown
        // outcome under Network.
        foreach ([ConflictException::class, NotFoundException::class, RateLimitedException::class] as $class) {
            self::assertTrue(is_subclass_of($class, ApiException::class), $class);
        }
        foreach (VippsException::CLASSES as $class) {
            self::assertTrue(is_subclass_of($class, VippsException::class), $class);
        }
        self::assertTrue(is_subclass_of(VippsException::class, \RuntimeException::class));
    }

    public function testEveryKindOfTheReadmeHasItsClass(): void
    {
        $readme = (string) file_get_contents(dirname(__DIR__, 3) . '/README.md');
        $start = (int) strpos($readme, 'Error kinds (stable');
        $paragraph = substr($readme, $start, (int) strpos($readme, '`retryable` says') - $start);
        preg_match_all('/`([a-z_]+)`/', $paragraph, $m);
        $kinds = array_values(array_unique($m[1]));
        sort($kinds);
        $mapped = array_keys(VippsException::CLASSES);
        sort($mapped);
        self::assertCount(12, $kinds);
        self::assertSame($kinds, $mapped);
    }

    public function testAnUnknownOutcomeIsARetryableNetworkErrorWithItsKey(): void
    {
        $e = VippsException::fromError(['kind' => 'unknown_outcome', 'message' => 'retry with the same idempotency key',
            'retryable' => true, 'http_status' => 200, 'idempotency_key' => 'k-1']);
        self::assertInstanceOf(UnknownOutcomeException::class, $e);
        self::assertInstanceOf(NetworkException::class, $e);
        self::assertTrue($e->isRetryable());
        self::assertSame('k-1', $e->getIdempotencyKey());
        self::assertSame(200, $e->getHttpStatus());
    }

    /**
     * The names before issue 18 are aliases of the aligned ones, so a plugin's catch clause keeps
     * matching. Run in a fresh process: PHP does not autoload a class named in a catch clause, so
     * the alias must exist as soon as the library throws the new class.
     *
     * @runInSeparateProcess
     */
    public function testTheOldNamesStillCatchTheAlignedClasses(): void
    {
        try {
            Native::encode(['amount' => NAN]);
            self::fail('no exception');
        } catch (\Vipps\ValidationException $e) {
            self::assertSame(InvalidInputException::class, get_class($e));
        }
        $sig = VippsException::fromError(['kind' => 'signature_invalid', 'message' => 'm']);
        self::assertInstanceOf(\Vipps\SignatureException::class, $sig);
        self::assertSame(InvalidInputException::class, get_class(new \Vipps\ValidationException(['message' => 'x'])));
    }

    public function testUnknownKindIsTheBaseClass(): void
    {
        $e = VippsException::fromError(['kind' => 'something_new', 'message' => 'm']);
        self::assertSame(VippsException::class, get_class($e));
        self::assertSame('something_new', $e->getKind());
    }

    public function testOkEnvelopeReturnsData(): void
    {
        self::assertSame(['a' => 1], Native::unwrap('{"ok":true,"data":{"a":1}}'));
    }

    public function testGarbageIsInternal(): void
    {
        $this->expectException(InternalException::class);
        Native::unwrap('not json');
    }
}
