<?php

declare(strict_types=1);

// Served by php-fpm and by `php -S` in tests/CallbackRequestSendTest.php. Does what WooCommerce's
// wc-api dispatcher does before a plugin's action runs, then answers with CallbackRequest::send():
//   - a 200 status line set first: ?framework=wp is WordPress's status_header(200)
//     (header('HTTP/1.1 200 OK', true, 200)), ?framework=line a bare header('HTTP/1.1 200 OK'),
//     ?framework=code http_response_code(200) followed by the status line;
//   - a header of its own (kept), and output buffers opened with noise printed into them
//     (WooCommerce runs the action inside ob_start() and prints -1 afterwards).
// ?answer=refused sends the 401 of a refused webhook (no body), ?answer=shipping a shipping-options
// JSON body. The script exits right after send(), as the README tells plugins to.

require dirname(__DIR__, 2) . '/src/CallbackRequest.php';

$protocol = $_SERVER['SERVER_PROTOCOL'] ?? 'HTTP/1.1';
switch ($_GET['framework'] ?? 'wp') {
    case 'line':
        header("$protocol 200 OK");
        break;
    case 'code':
        http_response_code(200);
        header("$protocol 200 OK");
        break;
    default:
        header("$protocol 200 OK", true, 200);
}
header('X-Framework: kept');
ob_start();
echo "framework noise\n";
ob_start();
echo '-1';

if (($_GET['answer'] ?? '') === 'shipping') {
    Vipps\CallbackRequest::send(['status' => 200, 'headers' => ['Content-Type' => 'application/json'],
        'body' => ['addressId' => 'a1', 'shippingDetails' => [['priority' => 0, 'amount' => ['value' => 9900,
            'currency' => 'NOK'], 'shippingMethod' => 'Posten', 'shippingMethodId' => 'posten']]]]);
} else {
    Vipps\CallbackRequest::send(['status' => 401, 'headers' => [], 'body' => null]);
}
exit;
