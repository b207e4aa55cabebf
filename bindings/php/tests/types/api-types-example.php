<?php

// Checked by `make check-types` with `php -l` and phpcs (never run): a plugin's functions typed
// with the array shapes generated from the official specs (src/ApiTypes.php), in the form that
// Psalm and PHPStan read.

declare(strict_types=1);

namespace Acme\Shop;

use Vipps\Client;

/**
 * @psalm-import-type CreatePaymentRequest from \Vipps\ApiTypes
 * @psalm-import-type CreatePaymentAnswer from \Vipps\ApiTypes
 * @psalm-import-type CaptureRequest from \Vipps\ApiTypes
 * @psalm-import-type CaptureAnswer from \Vipps\ApiTypes
 * @psalm-import-type NormalizedStatus from \Vipps\ApiTypes
 */
final class Payments
{
    public function __construct(private Client $vipps)
    {
    }

    /**
     * @param CreatePaymentRequest $request
     * @return CreatePaymentAnswer
     */
    public function create(array $request): array
    {
        /** @var CreatePaymentAnswer $answer */
        $answer = $this->vipps->createPayment($request);
        return $answer;
    }

    /**
     * @param CaptureRequest $request
     * @return NormalizedStatus
     */
    public function capture(array $request): string
    {
        /** @var CaptureAnswer $answer */
        $answer = $this->vipps->capture($request);
        return $answer['normalized']['status'];
    }

    /** @return CreatePaymentRequest */
    public static function socks(string $reference): array
    {
        return [
            'reference' => $reference,
            'amount' => ['value' => 49900, 'currency' => 'NOK'],
            'paymentMethod' => ['type' => 'WALLET'],
            'userFlow' => 'WEB_REDIRECT',
            'returnUrl' => 'https://shop.example/return',
        ];
    }
}
