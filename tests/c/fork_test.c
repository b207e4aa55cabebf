/*
 * Fork safety: a parent uses a client (so it holds pooled connections and a cached token),
 * then forks 4 children that each complete a payment with the inherited handle. Each child
 * must detect the fork, open its own connections and fetch its own token; the parent's client
 * must still work afterwards. Exit status 0 only if every process succeeded.
 *
 * Usage: fork_test BASE_URL
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vipps.h"

static int call_ok(char *envelope, const char *expect) {
    int ok = envelope != NULL && strstr(envelope, "\"ok\":true") != NULL && (expect == NULL || strstr(envelope, expect) != NULL);
    if (!ok) fprintf(stderr, "[pid %d] unexpected: %s\n", (int)getpid(), envelope ? envelope : "(NULL)");
    vipps_string_free(envelope);
    return ok;
}

/* create, approve, capture in full, read: 1 if every step did what it should */
static int complete_payment(vipps_client *client, const char *reference) {
    char request[1024];
    snprintf(request, sizeof request,
             "{\"amount\":{\"value\":2500,\"currency\":\"NOK\"},\"paymentMethod\":{\"type\":\"WALLET\"},"
             "\"reference\":\"%s\",\"userFlow\":\"WEB_REDIRECT\",\"returnUrl\":\"https://shop.example/r\"}", reference);
    if (!call_ok(vipps_create_payment(client, request), NULL)) return 0;
    snprintf(request, sizeof request, "{\"reference\":\"%s\",\"customer\":{\"phoneNumber\":\"4791234567\"}}", reference);
    if (!call_ok(vipps_force_approve(client, request), NULL)) return 0;
    snprintf(request, sizeof request, "{\"reference\":\"%s\",\"amount\":{\"value\":2500,\"currency\":\"NOK\"}}", reference);
    if (!call_ok(vipps_capture(client, request), "\"status\":\"captured\"")) return 0;
    snprintf(request, sizeof request, "{\"reference\":\"%s\"}", reference);
    return call_ok(vipps_get_payment(client, request), "\"captured\":2500");
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    char config[512], reference[64];
    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"system_name\":\"fork-test\",\"system_version\":\"1\","
             "\"plugin_name\":\"fork-test\",\"plugin_version\":\"1\"}", argv[1]);
    vipps_client *client = vipps_client_new(config, NULL);
    if (client == NULL) return 2;

    snprintf(reference, sizeof reference, "fork-parent-%d-a", (int)getpid());
    if (!complete_payment(client, reference)) return 1;

    pid_t children[4];
    for (int i = 0; i < 4; i++) {
        children[i] = fork();
        if (children[i] < 0) return 2;
        if (children[i] == 0) {
            char child_reference[64];
            snprintf(child_reference, sizeof child_reference, "fork-child-%d-%d", (int)getpid(), i);
            int ok = complete_payment(client, child_reference);
            vipps_client_free(client);
            _exit(ok ? 0 : 1);
        }
    }
    int failures = 0;
    for (int i = 0; i < 4; i++) {
        int status = 0;
        waitpid(children[i], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failures++;
    }
    snprintf(reference, sizeof reference, "fork-parent-%d-b", (int)getpid());
    if (!complete_payment(client, reference)) failures++;
    vipps_client_free(client);
    printf("fork test: 4 children and the parent %s\n", failures == 0 ? "completed their payments" : "FAILED");
    return failures == 0 ? 0 : 1;
}
