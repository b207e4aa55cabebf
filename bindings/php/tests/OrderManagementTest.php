<?php

declare(strict_types=1);

namespace Vipps\Tests;

use Vipps\Client;
use Vipps\InvalidInputException;
use Vipps\NotFoundException;

/**
 * Order Management through the PHP binding: the receipt builder, receipts (a second one is an
 * idempotent success), categories, images named by their content, and the transaction
 * information beside a payment's events.
 */
final class OrderManagementTest extends SimTestCase
{
    /** @return array<string, mixed> */
    private static function basket(int $amount = 12478): array
    {
        return [
            'amount' => ['value' => $amount, 'currency' => 'NOK'],
            'lines' => [
                ['name' => 'Apples', 'id' => 'apples', 'quantity' => '1.5', 'quantity_unit' => 'KG',
                 'unit_price' => 4990, 'tax_rate' => 1500],
                ['name' => 'Home delivery', 'id' => 'shipping', 'total_amount' => 4993, 'tax_rate' => 2500,
                 'is_shipping' => true],
            ],
        ];
    }

    /** A real PNG of $side × $side grey pixels ($shade makes the bytes differ). */
    private static function png(int $side, int $shade): string
    {
        $chunk = static function (string $kind, string $data): string {
            return pack('N', strlen($data)) . $kind . $data . pack('N', crc32($kind . $data));
        };
        $rows = str_repeat("\x00" . str_repeat(chr($shade), $side), $side);
        return "\x89PNG\r\n\x1a\n" . $chunk('IHDR', pack('NNCCCCC', $side, $side, 8, 0, 0, 0, 0))
            . $chunk('IDAT', (string) gzcompress($rows)) . $chunk('IEND', '');
    }

    public function testBuildReceiptDoesTheTaxArithmeticInMinorUnits(): void
    {
        $receipt = Client::buildReceipt(self::basket());
        [$apples, $shipping] = $receipt['orderLines'];
        // 4990 × 1.5 = 7485; tax 7485 × 1500 / 11500 = 976.30 → 976
        self::assertSame([7485, 976, 6509], [$apples['totalAmount'], $apples['totalTaxAmount'], $apples['totalAmountExcludingTax']]);
        self::assertSame(['quantity' => '1.5', 'quantityUnit' => 'KG', 'unitPrice' => 4990], $apples['unitInfo']);
        // 4993 × 2500 / 12500 = 998.6 → 999
        self::assertSame([4993, 999, true], [$shipping['totalAmount'], $shipping['totalTaxAmount'], $shipping['isShipping']]);
        self::assertSame(['currency' => 'NOK'], $receipt['bottomLine']);
    }

    public function testBuildReceiptRefusesAMismatchNamingLinesAndDifference(): void
    {
        try {
            Client::buildReceipt(self::basket(12978));
            self::fail('a mismatch was accepted');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('the receipt is 5.00 NOK short of the payment', $e->getMessage());
            self::assertStringContainsString('[0] "Apples" (id "apples") 74.85 NOK', $e->getMessage());
        }
    }

    public function testReceiptCategoryAndImageAgainstTheSimulator(): void
    {
        $vipps = self::client();
        $ref = self::ref('php-om');
        $vipps->createPayment(self::paymentRequest($ref, 12478));
        self::sim('POST', "/_sim/payments/$ref/approve", new \stdClass());
        $receipt = Client::buildReceipt(self::basket());
        $added = $vipps->addReceipt(['reference' => $ref, 'payment_amount' => ['value' => 12478, 'currency' => 'NOK']] + $receipt);
        self::assertSame(['already_existed' => false, 'created' => true, 'order_id' => $ref, 'payment_type' => 'ECOM'], $added);
        $again = $vipps->addReceipt(['reference' => $ref] + $receipt);
        self::assertSame([false, true], [$again['created'], $again['already_existed']]);

        $image = self::png(170, 0x17);
        $uploaded = $vipps->uploadImage(['src' => base64_encode($image)]);
        self::assertSame(hash('sha256', $image), $uploaded['image_id']);
        self::assertTrue($uploaded['created']);
        self::assertTrue($vipps->uploadImage(['src' => base64_encode($image)])['already_existed']);

        $url = "https://shop.example/orders/$ref";
        $vipps->setCategory(['reference' => $ref, 'category' => 'ORDER_CONFIRMATION', 'orderDetailsUrl' => $url,
                             'imageId' => $uploaded['image_id']]);
        $order = $vipps->getOrder(['reference' => $ref]);
        self::assertSame([7485, 4993], array_column($order['receipt']['orderLines'], 'totalAmount'));
        self::assertSame($url, $order['category']['orderDetailsUrl']);
        self::assertSame($uploaded['image_id'], $order['category']['imageId']);
    }

    public function testRefusalsThrowTheKindsClasses(): void
    {
        $vipps = self::client();
        try {
            $vipps->setCategory(['reference' => 'acme-1', 'category' => 'SHIPPING_INFO', 'orderDetailsUrl' => 'https://shop.example/']);
            self::fail('an unknown category was accepted');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('category must be one of', $e->getMessage());
        }
        try {
            $vipps->uploadImage(['src' => base64_encode('GIF89a')]);
            self::fail('a GIF was accepted');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('PNG or JPEG', $e->getMessage());
        }
        $this->expectException(NotFoundException::class);
        $vipps->getOrder(['reference' => self::ref('php-unknown')]);
    }

    public function testTheAuthorizationsPspReferenceIsBesideTheEvents(): void
    {
        $vipps = self::client();
        $ref = self::ref('php-psp');
        $vipps->createPayment(self::paymentRequest($ref));
        self::assertNull($vipps->getPaymentEvents(['reference' => $ref])['psp_reference']);
        self::sim('POST', "/_sim/payments/$ref/approve", new \stdClass());
        $answer = $vipps->getPaymentEvents(['reference' => $ref]);
        $authorized = array_values(array_filter($answer['events'], static fn ($e) => $e['name'] === 'AUTHORIZED'))[0];
        self::assertSame($authorized['pspReference'], $answer['psp_reference']);
    }
}
