<?php

declare(strict_types=1);

// The example shop's front controller: php -S 127.0.0.1:8000 router.php
//
//   GET  /                        products and the order form
//   POST /order                   place an order → WC_Gateway_Vipps::process_payment → redirect
//   GET  /checkout?order=N        the Checkout page: the session embedded with the SDK's iframe
//   GET  /return?order=N          the return page: polls /orders/N/status until the payment settles
//   GET  /orders/N/status         JSON; reconciles with the API while the payment is pending
//   GET  /orders/N.json           JSON; the stored order, no API call
//   POST /vipps/callback?order=N  Checkout session callbacks
//   POST /vipps/webhook           ePayment webhooks
//   GET  /admin                   orders with Complete (capture), Refund, Cancel
//   POST /admin/orders/N/{complete|refund|cancel}

require __DIR__ . '/src/bootstrap.php';

function h(?string $s): string
{
    return htmlspecialchars((string) $s, ENT_QUOTES | ENT_HTML5, 'UTF-8');
}

function json_out($value, int $status = 200): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($value, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT);
}

function wants_json(): bool
{
    return str_contains($_SERVER['HTTP_ACCEPT'] ?? '', 'application/json') || isset($_GET['format']);
}

function page(string $title, string $body, string $head = ''): void
{
    header('Content-Type: text/html; charset=utf-8');
    echo "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" . h($title) . "</title>$head"
        . '<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}'
        . 'table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem}'
        . '#vipps-checkout-frame-container{min-height:30rem}</style></head><body>'
        . '<p><a href="/">Shop</a> · <a href="/admin">Admin</a></p><h1>' . h($title) . "</h1>\n$body\n</body></html>\n";
}

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';
$method = $_SERVER['REQUEST_METHOD'] ?? 'GET';

try {
    if ($path === '/' && $method === 'GET') {
        $rows = '';
        foreach (SHOP_PRODUCTS as $sku => $p) {
            $rows .= '<tr><td>' . h($p['title']) . '</td><td>NOK ' . WC_Gateway_Vipps::format_amount($p['price'])
                . '</td><td><form method="post" action="/order"><input type="hidden" name="product" value="' . h($sku) . '">'
                . '<button name="flow" value="checkout">Vipps Checkout</button> '
                . '<button name="flow" value="epayment">Pay with Vipps MobilePay</button></form></td></tr>';
        }
        page('PHP example shop', "<table><tr><th>Product</th><th>Price</th><th></th></tr>$rows</table>");
        return true;
    }

    if ($path === '/order' && $method === 'POST') {
        $product = SHOP_PRODUCTS[$_POST['product'] ?? ''] ?? null;
        if ($product === null) {
            json_out(['error' => 'unknown product'], 400);
            return true;
        }
        $flow = ($_POST['flow'] ?? '') === 'epayment' ? 'epayment' : 'checkout';
        $order = shop_store()->create(['sku' => $_POST['product'], 'title' => $product['title'], 'total' => $product['price'], 'currency' => 'NOK',
            'flow' => $flow, 'status' => 'pending', 'payment_status' => 'pending']);
        $result = shop_gateway()->process_payment((int) $order['id']);
        if (wants_json()) {
            json_out(['order' => $order['id']] + $result, $result['result'] === 'success' ? 200 : 502);
        } elseif ($result['result'] === 'success') {
            header('Location: ' . $result['redirect'], true, 303);
        } else {
            http_response_code(502);
            page('Payment failed', '<p>' . h($result['message'] ?? '') . '</p>');
        }
        return true;
    }

    if ($path === '/checkout' && $method === 'GET') {
        $order = shop_store()->get((int) ($_GET['order'] ?? 0));
        if ($order === null || !isset($order['vipps']['token'])) {
            http_response_code(404);
            page('No such checkout', '');
            return true;
        }
        $sdk = shop_base_url() . '/sim/vippsCheckoutSDK.js';
        if (!str_contains(shop_base_url(), '127.0.0.1') && !str_contains(shop_base_url(), 'localhost')) {
            $sdk = 'https://checkout.vipps.no/vippsCheckoutSDK.js';
        }
        $settings = json_encode([
            'checkoutFrontendUrl' => $order['vipps']['checkoutFrontendUrl'],
            'iFrameContainerId' => 'vipps-checkout-frame-container',
            'token' => $order['vipps']['token'],
            'language' => 'no',
        ], JSON_UNESCAPED_SLASHES | JSON_HEX_TAG | JSON_HEX_AMP);
        $returnUrl = json_encode('/return?order=' . $order['id'], JSON_UNESCAPED_SLASHES | JSON_HEX_TAG);
        $body = '<p>Order ' . h((string) $order['id']) . ': ' . h($order['title']) . ', NOK '
            . WC_Gateway_Vipps::format_amount((int) $order['total']) . "</p>\n"
            . "<section id=\"vipps-checkout-frame-container\"><!-- the Checkout iframe --></section>\n"
            . "<p id=\"sdk-error\" hidden>The Vipps Checkout SDK did not load.</p>\n"
            . "<script>\n"
            . "  var settings = $settings;\n"
            . "  settings.on = {\n"
            . "    session_status_changed: function (data) {\n"
            . "      var status = (data && (data.status || data)) || '';\n"
            . "      if (['PaymentSuccessful', 'PaymentFailed', 'SessionTerminated', 'SessionExpired'].indexOf(String(status)) >= 0) {\n"
            . "        window.location.href = $returnUrl;\n"
            . "      }\n"
            . "    }\n"
            . "  };\n"
            . "  if (typeof VippsCheckout === 'function') { var vippsCheckout = VippsCheckout(settings); }\n"
            . "  else { document.getElementById('sdk-error').hidden = false; }\n"
            . "</script>";
        page('Checkout', $body, '<script src="' . h($sdk) . '"></script>');
        return true;
    }

    if ($path === '/return' && $method === 'GET') {
        $id = (int) ($_GET['order'] ?? 0);
        $statusUrl = json_encode("/orders/$id/status", JSON_UNESCAPED_SLASHES | JSON_HEX_TAG);
        $body = '<p>Order ' . $id . ': <strong id="status">checking the payment…</strong></p>'
            . "\n<script>\n"
            . "  var tries = 0;\n"
            . "  function poll() {\n"
            . "    fetch($statusUrl, {headers: {Accept: 'application/json'}}).then(function (r) { return r.json(); })\n"
            . "      .then(function (o) {\n"
            . "        document.getElementById('status').textContent = o.payment_status + ' (order ' + o.status + ')';\n"
            . "        if (o.payment_status === 'pending' && ++tries < 60) { setTimeout(poll, 2000); }\n"
            . "      }).catch(function () { if (++tries < 60) { setTimeout(poll, 2000); } });\n"
            . "  }\n"
            . "  poll();\n"
            . "</script>";
        page('Thank you', $body);
        return true;
    }

    if (preg_match('#^/orders/(\d+)/status$#', $path, $m) && $method === 'GET') {
        json_out(shop_gateway()->check_payment_status((int) $m[1]));
        return true;
    }

    if (preg_match('#^/orders/(\d+)\.json$#', $path, $m) && $method === 'GET') {
        $order = shop_store()->get((int) $m[1]);
        $order === null ? json_out(['error' => 'no such order'], 404) : json_out($order);
        return true;
    }

    if ($path === '/vipps/callback' || $path === '/vipps/webhook') {
        shop_gateway()->handle_callback();
        return true;
    }

    if ($path === '/admin' && $method === 'GET') {
        $rows = '';
        foreach (array_reverse(shop_store()->all(), true) as $id => $o) {
            $actions = '';
            foreach (['complete' => 'Complete (capture)', 'cancel' => 'Cancel'] as $action => $label) {
                $actions .= "<form method=\"post\" action=\"/admin/orders/$id/$action\" style=\"display:inline\"><button>$label</button></form> ";
            }
            $actions .= "<form method=\"post\" action=\"/admin/orders/$id/refund\" style=\"display:inline\">"
                . '<input name="amount" size="7" placeholder="10.00"><button>Refund</button></form>';
            $rows .= '<tr><td>' . $id . '</td><td>' . h($o['title']) . '</td><td>' . WC_Gateway_Vipps::format_amount((int) $o['total'])
                . '</td><td>' . h($o['flow'] ?? '') . '</td><td>' . h($o['reference'] ?? '') . '</td><td>' . h($o['status'] ?? '')
                . '</td><td>' . h($o['payment_status'] ?? '') . "</td><td>$actions</td></tr>\n";
        }
        page('Orders', "<table><tr><th>#</th><th>Item</th><th>NOK</th><th>Flow</th><th>Reference</th><th>Order</th>"
            . "<th>Payment</th><th>Actions</th></tr>\n$rows</table>");
        return true;
    }

    if (preg_match('#^/admin/orders/(\d+)/(complete|refund|cancel)$#', $path, $m) && $method === 'POST') {
        $gateway = shop_gateway();
        $id = (int) $m[1];
        try {
            if ($m[2] === 'complete') {
                $gateway->on_order_completed($id);
            } elseif ($m[2] === 'refund') {
                $amount = trim((string) ($_POST['amount'] ?? ''));
                $gateway->process_refund($id, $amount === '' ? null : $amount, (string) ($_POST['reason'] ?? ''));
            } else {
                $gateway->cancel_order($id);
            }
        } catch (Vipps\VippsException $e) {
            $error = ['error' => $e->getMessage(), 'kind' => $e->getKind(), 'trace_id' => $e->getTraceId(),
                'error_code' => $e->getErrorCode()];
            wants_json() ? json_out($error, 409) : page('Action failed', '<p>' . h($e->getMessage()) . '</p>');
            return true;
        }
        if (wants_json()) {
            json_out(shop_store()->get($id));
        } else {
            header('Location: /admin', true, 303);
        }
        return true;
    }

    if ($path === '/terms') {
        page('Terms', '<p>Example shop: nothing is for sale.</p>');
        return true;
    }

    json_out(['error' => 'not found'], 404);
    return true;
} catch (OutOfBoundsException $e) {
    json_out(['error' => $e->getMessage()], 404);
    return true;
} catch (Throwable $e) {
    error_log((string) $e);
    json_out(['error' => get_class($e) . ': ' . $e->getMessage()], 500);
    return true;
}
