/*
 * A stress test of the C ABI: many threads share one client and run mixed operations against
 * the simulator at once: create, force approve, capture, refund, read, cancel and reconcile a
 * payment; verify a forged callback and a forged webhook (refused, 401); and the mistakes a
 * plugin can make (bad JSON, non-UTF-8, NULL client, NULL request, NULL body with a length, a
 * bad configuration). Every returned string is checked and freed; each thread also creates
 * and frees a short-lived client of its own. Built for AddressSanitizer (scripts/asan.sh)
 * and run under valgrind (make stress): both must report no error and no leak.
 *
 * Usage: stress_test BASE_URL [THREADS (8)] [ROUNDS PER THREAD (12)]
 * Exit status 0 only if every call answered as expected.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vipps.h"

static vipps_client *shared;
static const char *base_url;
static int rounds = 12;
static atomic_int failures;
static atomic_long calls;

/* Checks an envelope: ok or not, containing `expect` when given. Frees it. */
static void expect(int thread, const char *what, char *envelope, int ok, const char *needle) {
    atomic_fetch_add(&calls, 1);
    int good = envelope != NULL && strstr(envelope, ok ? "\"ok\":true" : "\"ok\":false") != NULL &&
               (needle == NULL || strstr(envelope, needle) != NULL);
    if (!good) {
        atomic_fetch_add(&failures, 1);
        fprintf(stderr, "[thread %d] %s: expected %s%s%s, got %s\n", thread, what, ok ? "ok" : "an error",
                needle ? " with " : "", needle ? needle : "", envelope ? envelope : "(NULL)");
    }
    vipps_string_free(envelope);
}

/* One payment's life on the shared client. */
static void payment(int thread, int round) {
    char reference[96], request[1024];
    snprintf(reference, sizeof reference, "stress-%d-%d-%d", (int)getpid(), thread, round);
    snprintf(request, sizeof request,
             "{\"amount\":{\"value\":10000,\"currency\":\"NOK\"},\"paymentMethod\":{\"type\":\"WALLET\"},"
             "\"reference\":\"%s\",\"userFlow\":\"WEB_REDIRECT\",\"returnUrl\":\"https://shop.example/r\","
             "\"paymentDescription\":\"Stress\"}",
             reference);
    expect(thread, "create", vipps_create_payment(shared, request), 1, "redirectUrl");
    snprintf(request, sizeof request, "{\"reference\":\"%s\",\"customer\":{\"phoneNumber\":\"4791234567\"}}", reference);
    expect(thread, "force approve", vipps_force_approve(shared, request), 1, NULL);
    snprintf(request, sizeof request, "{\"reference\":\"%s\",\"amount\":{\"value\":6000,\"currency\":\"NOK\"}}",
             reference);
    expect(thread, "capture", vipps_capture(shared, request), 1, "\"status\":\"partially_captured\"");
    snprintf(request, sizeof request, "{\"reference\":\"%s\",\"amount\":{\"value\":1000,\"currency\":\"NOK\"}}",
             reference);
    expect(thread, "refund", vipps_refund(shared, request), 1, "\"refunded\":1000");
    snprintf(request, sizeof request, "{\"reference\":\"%s\"}", reference);
    expect(thread, "get", vipps_get_payment(shared, request), 1, "\"captured\":6000");
    expect(thread, "cancel the rest", vipps_cancel(shared, request), 1, NULL);
    expect(thread, "reconcile", vipps_reconcile(shared, request), 1, "\"refundable\":5000");
    /* A capture over what is left is the API's refusal, not a crash. */
    snprintf(request, sizeof request, "{\"reference\":\"%s\",\"amount\":{\"value\":999999,\"currency\":\"NOK\"}}",
             reference);
    expect(thread, "capture too much", vipps_capture(shared, request), 0, NULL);
}

/* Forged inbound requests: a Checkout callback with a wrong token, an ePayment webhook with a
 * wrong signature. Both are answered (ok envelope) with verified false and 401. */
static void forged(int thread, int round) {
    char request[1024], body[512];
    snprintf(body, sizeof body,
             "{\"merchantSerialNumber\":\"123456\",\"reference\":\"stress-%d-%d\",\"pspReference\":\"p\","
             "\"sessionId\":\"s-%d\",\"sessionState\":\"PaymentSuccessful\","
             "\"paymentDetails\":{\"amount\":{\"value\":100,\"currency\":\"NOK\"},\"state\":\"AUTHORIZED\"}}",
             thread, round, round);
    snprintf(request, sizeof request,
             "{\"method\":\"POST\",\"url\":\"/vipps/callback\",\"headers\":{\"Authorization\":\"forged-%d\"}}", round);
    char *answer = vipps_handle_callback(shared, request, (const uint8_t *)body, strlen(body));
    expect(thread, "forged checkout callback", answer, 1, "\"status\":401");
    snprintf(request, sizeof request,
             "{\"method\":\"POST\",\"url\":\"/vipps/webhook\",\"headers\":{\"Host\":\"shop.example\","
             "\"x-ms-date\":\"Thu, 02 May 2024 10:00:00 GMT\",\"x-ms-content-sha256\":\"AAAA\","
             "\"Authorization\":\"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA\"}}");
    answer = vipps_handle_callback(shared, request, (const uint8_t *)body, strlen(body));
    expect(thread, "forged webhook", answer, 1, "\"verified\":false");
}

/* Offline functions and the mistakes a plugin can make. */
static void mistakes(int thread, int round) {
    char request[512];
    expect(thread, "bad JSON", vipps_get_payment(shared, "{\"reference\":"), 0, "invalid_input");
    expect(thread, "not an object", vipps_capture(shared, "[1,2,3]"), 0, "invalid_input");
    expect(thread, "non-UTF-8", vipps_get_payment(shared, "{\"reference\":\"\xff\xfe\"}"), 0, "not valid UTF-8");
    expect(thread, "NULL client", vipps_get_payment(NULL, "{\"reference\":\"x\"}"), 0, "client is NULL");
    expect(thread, "NULL request", vipps_refund(shared, NULL), 0, "request_json is NULL");
    expect(thread, "NULL body with a length",
           vipps_handle_callback(shared, "{\"url\":\"/cb\"}", NULL, 10), 0, "body is NULL");
    expect(thread, "decimal amount",
           vipps_capture(shared, "{\"reference\":\"x\",\"amount\":{\"value\":1.5,\"currency\":\"NOK\"}}"), 0,
           "invalid_input");
    expect(thread, "NULL order id request", vipps_make_order_id(NULL), 0, "invalid_input");
    snprintf(request, sizeof request, "{\"prefix\":\"stress\",\"order_number\":%d,\"attempt\":%d}", round, thread);
    expect(thread, "make_order_id", vipps_make_order_id(request), 1, "order_id");
    expect(thread, "shipping options",
           vipps_shipping_options_response(
               shared, "{\"kind\":\"checkout_shipping\",\"options\":[{\"id\":\"p\",\"brand\":\"POSTEN\","
                       "\"amount\":{\"value\":4900,\"currency\":\"NOK\"},\"priority\":0,\"isDefault\":true}]}"),
           1, "\"status\":200");
    snprintf(request, sizeof request,
             "{\"record\":null,\"event\":{\"verified\":true,\"id\":\"e-%d-%d\",\"reference\":\"r\","
             "\"status\":\"authorized\",\"amounts\":{\"basis\":\"total\",\"authorized\":100}}}",
             thread, round);
    expect(thread, "apply_event", vipps_apply_event(shared, request), 1, "\"applied\":true");

    /* A configuration error through the out parameter, and one with no out parameter. */
    char *error = NULL;
    vipps_client *bad = vipps_client_new("{\"environment\":\"production\"}", &error);
    if (bad != NULL) {
        atomic_fetch_add(&failures, 1);
        vipps_client_free(bad);
    }
    expect(thread, "bad configuration", error, 0, "\"kind\":\"config\"");
    if (vipps_client_new("not json", NULL) != NULL) atomic_fetch_add(&failures, 1);
}

/* A client of the thread's own, used once and freed while the others keep going. */
static void own_client(int thread) {
    char config[512], *error = NULL;
    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"system_name\":\"stress\",\"system_version\":\"1\",\"plugin_name\":\"stress\","
             "\"plugin_version\":\"1\"}",
             base_url);
    vipps_client *client = vipps_client_new(config, &error);
    if (client == NULL) {
        expect(thread, "own client", error, 1, NULL);
        return;
    }
    expect(thread, "list webhooks on an own client", vipps_list_webhooks(client, "{}"), 1, "webhooks");
    vipps_client_free(client);
}

static void *worker(void *arg) {
    int thread = (int)(long)arg;
    for (int round = 0; round < rounds; round++) {
        payment(thread, round);
        forged(thread, round);
        mistakes(thread, round);
        if (round % 4 == thread % 4) own_client(thread);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: stress_test BASE_URL [THREADS] [ROUNDS]\n");
        return 2;
    }
    base_url = argv[1];
    int threads = argc > 2 ? atoi(argv[2]) : 8;
    if (argc > 3) rounds = atoi(argv[3]);
    if (threads < 1 || threads > 64 || rounds < 1) return 2;

    char config[512], *error = NULL;
    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"system_name\":\"stress\",\"system_version\":\"1\",\"plugin_name\":\"stress\","
             "\"plugin_version\":\"1\",\"callback_secret\":\"stress-callback-secret-0123456789\","
             "\"webhook_secrets\":[\"stress-webhook-secret\"],"
             "\"timeouts\":{\"connect_ms\":5000,\"request_ms\":30000,\"total_ms\":60000}}",
             base_url);
    shared = vipps_client_new(config, &error);
    if (shared == NULL) {
        fprintf(stderr, "cannot create the client: %s\n", error ? error : "(no detail)");
        vipps_string_free(error);
        return 2;
    }
    pthread_t ids[64];
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&ids[i], NULL, worker, (void *)(long)i) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 2;
        }
    }
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    vipps_client_free(shared);
    int failed = atomic_load(&failures);
    printf("stress test: %d threads x %d rounds, %ld calls on one client: %s\n", threads, rounds,
           atomic_load(&calls), failed == 0 ? "all as expected" : "FAILED");
    if (failed) printf("%d unexpected answers\n", failed);
    return failed == 0 ? 0 : 1;
}
