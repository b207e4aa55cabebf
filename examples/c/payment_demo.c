/*
 * A complete payment through libvipps, using only include/vipps.h and the shared library:
 * a Checkout session is created and read, then an ePayment payment is created, approved
 * (test endpoint), captured in two parts, partly refunded and read back.
 *
 * Usage: payment_demo [BASE_URL]   (default: the simulator at http://127.0.0.1:7878)
 * Exit status 0 only if every step did what it should.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vipps.h"

static int failures = 0;

/* Runs one step: prints the envelope, checks that it is ok and contains `expect`, frees it. */
static void step(const char *title, char *envelope, const char *expect) {
    int ok = envelope != NULL && strstr(envelope, "\"ok\":true") != NULL &&
             (expect == NULL || strstr(envelope, expect) != NULL);
    printf("%s %s\n", ok ? "[ok]  " : "[FAIL]", title);
    if (!ok) {
        printf("       %s\n", envelope ? envelope : "(NULL)");
        failures++;
    }
    vipps_string_free(envelope);
}

/* Runs a step that must fail: the envelope must be an error containing `expect`. */
static void expect_error(const char *title, char *envelope, const char *expect) {
    int ok = envelope != NULL && strstr(envelope, "\"ok\":false") != NULL && strstr(envelope, expect) != NULL;
    printf("%s %s\n", ok ? "[ok]  " : "[FAIL]", title);
    if (!ok) {
        printf("       %s\n", envelope ? envelope : "(NULL)");
        failures++;
    }
    vipps_string_free(envelope);
}

int main(int argc, char **argv) {
    const char *base_url = argc > 1 ? argv[1] : "http://127.0.0.1:7878";
    char config[512];
    char request[2048];
    char reference[64];
    char *error = NULL;

    if (vipps_abi_version() != VIPPS_ABI_VERSION) {
        fprintf(stderr, "libvipps ABI %u, header ABI %d\n", vipps_abi_version(), VIPPS_ABI_VERSION);
        return 2;
    }
    printf("libvipps %s (ABI %u) against %s\n", vipps_version(), vipps_abi_version(), base_url);

    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"system_name\":\"c-demo\",\"system_version\":\"1.0\","
             "\"plugin_name\":\"vipps-c-example\",\"plugin_version\":\"1.0\","
             "\"callback_secret\":\"demo-callback-secret-0123456789\"}",
             base_url);
    vipps_client *client = vipps_client_new(config, &error);
    if (client == NULL) {
        fprintf(stderr, "cannot create the client: %s\n", error ? error : "(no detail)");
        vipps_string_free(error);
        return 2;
    }

    /* A reference unique per run, so the demo can run twice against one simulator. */
    snprintf(reference, sizeof reference, "c-demo-%ld-%d", (long)time(NULL), rand() % 100000);

    snprintf(request, sizeof request,
             "{\"merchantInfo\":{\"callbackUrl\":\"https://shop.example/vipps/callback\","
             "\"returnUrl\":\"https://shop.example/return\"},"
             "\"transaction\":{\"amount\":{\"value\":49900,\"currency\":\"NOK\"},"
             "\"reference\":\"%s-s\",\"paymentDescription\":\"Two pairs of socks\"}}",
             reference);
    step("create a Checkout session", vipps_create_session(client, request), "checkoutFrontendUrl");
    snprintf(request, sizeof request, "{\"reference\":\"%s-s\"}", reference);
    step("read the session: pending", vipps_get_session(client, request), "\"status\":\"pending\"");

    snprintf(request, sizeof request,
             "{\"amount\":{\"value\":100000,\"currency\":\"NOK\"},\"paymentMethod\":{\"type\":\"WALLET\"},"
             "\"reference\":\"%s\",\"userFlow\":\"WEB_REDIRECT\",\"returnUrl\":\"https://shop.example/return\","
             "\"paymentDescription\":\"A warm winter coat\",\"idempotency_key\":\"create-%s\"}",
             reference, reference);
    step("create an ePayment payment of NOK 1000.00", vipps_create_payment(client, request), "redirectUrl");

    snprintf(request, sizeof request, "{\"reference\":\"%s\",\"customer\":{\"phoneNumber\":\"4791234567\"}}", reference);
    step("approve it (test endpoint)", vipps_force_approve(client, request), NULL);

    snprintf(request, sizeof request, "{\"reference\":\"%s\"}", reference);
    step("status: authorized", vipps_get_payment(client, request), "\"status\":\"authorized\"");

    snprintf(request, sizeof request,
             "{\"reference\":\"%s\",\"amount\":{\"value\":60000,\"currency\":\"NOK\"},\"idempotency_key\":\"capture-%s-1\"}",
             reference, reference);
    step("capture NOK 600.00", vipps_capture(client, request), "\"status\":\"partially_captured\"");
    snprintf(request, sizeof request,
             "{\"reference\":\"%s\",\"amount\":{\"value\":40000,\"currency\":\"NOK\"},\"idempotency_key\":\"capture-%s-2\"}",
             reference, reference);
    step("capture the remaining NOK 400.00", vipps_capture(client, request), "\"status\":\"captured\"");
    snprintf(request, sizeof request,
             "{\"reference\":\"%s\",\"amount\":{\"value\":25000,\"currency\":\"NOK\"},\"idempotency_key\":\"refund-%s-1\"}",
             reference, reference);
    step("refund NOK 250.00", vipps_refund(client, request), "\"status\":\"partially_refunded\"");

    snprintf(request, sizeof request, "{\"reference\":\"%s\"}", reference);
    step("final status: partially refunded, NOK 750.00 refundable", vipps_reconcile(client, request),
         "\"refundable\":75000");

    expect_error("a decimal amount is refused before sending: invalid_input",
                 vipps_capture(client, "{\"reference\":\"x\",\"amount\":{\"value\":10.5,\"currency\":\"NOK\"}}"),
                 "\"kind\":\"invalid_input\"");

    vipps_client_free(client);
    printf("%s\n", failures == 0 ? "demo passed" : "demo FAILED");
    return failures == 0 ? 0 : 1;
}
