/*
 * One order through libvipps from C, with its ePayment webhooks received on a loopback socket
 * and verified with vipps_handle_callback: register a webhook for this program's own port,
 * create a payment, approve it (test endpoint), receive the signed AUTHORIZED webhook and
 * verify it, refuse a forged copy, capture, receive CAPTURED, refund part, receive REFUNDED,
 * read the final status, delete the webhook.
 *
 * Usage: webhook_demo [BASE_URL]   (default: the simulator at http://127.0.0.1:7878)
 * Prints one line per step (✓ or ✗); exit status 0 only if every step did what it should.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "vipps.h"

static int failures = 0;

static void report(int ok, const char *what, const char *detail) {
    printf("%s %s\n", ok ? "\u2713" : "\u2717", what);
    if (!ok && detail != NULL) printf("    %s\n", detail);
    if (!ok) failures++;
    fflush(stdout);
}

/* An ok envelope containing `expect` (if given). Frees the envelope. */
static int check(const char *what, char *envelope, const char *expect) {
    int ok = envelope != NULL && strstr(envelope, "\"ok\":true") != NULL &&
             (expect == NULL || strstr(envelope, expect) != NULL);
    report(ok, what, envelope ? envelope : "(NULL)");
    vipps_string_free(envelope);
    return ok;
}

/* Copies the JSON string value after `"key":"` into out (no unescaping needed for ids and secrets). */
static int json_string(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = json ? strstr(json, pattern) : NULL;
    if (start == NULL) return 0;
    start += strlen(pattern);
    const char *end = strchr(start, '"');
    if (end == NULL || (size_t)(end - start) >= size) return 0;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return 1;
}

/* Appends `s` to buf as a JSON string (with quotes). */
static void json_append_string(char *buf, size_t size, const char *s) {
    size_t n = strlen(buf);
    if (n + 1 < size) buf[n++] = '"';
    for (; *s != '\0' && n + 7 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[n++] = '\\';
            buf[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(buf + n, size - n, "\\u%04x", c);
        } else {
            buf[n++] = (char)c;
        }
    }
    if (n + 1 < size) buf[n++] = '"';
    buf[n] = '\0';
}

/* One HTTP request as received: the request line, the headers as JSON, the raw body. */
struct request {
    char method[16];
    char target[512];
    char headers_json[8192];
    char body[65536];
    size_t body_len;
};

/* Reads one request from `fd`; returns 0 on success. */
static int read_request(int fd, struct request *r) {
    static char buf[8192 + 65536];
    size_t len = 0;
    char *head_end = NULL;
    while (head_end == NULL) {
        if (len + 1 >= sizeof buf) return -1;
        ssize_t got = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (got <= 0) return -1;
        len += (size_t)got;
        buf[len] = '\0';
        head_end = strstr(buf, "\r\n\r\n");
    }
    *head_end = '\0';
    char *body_start = head_end + 4;
    size_t have = len - (size_t)(body_start - buf);

    char *line = buf;
    char *eol = strstr(line, "\r\n");
    if (eol != NULL) *eol = '\0';
    if (sscanf(line, "%15s %511s", r->method, r->target) != 2) return -1;

    size_t content_length = 0;
    strcpy(r->headers_json, "{");
    for (line = eol ? eol + 2 : NULL; line != NULL && *line != '\0'; line = eol ? eol + 2 : NULL) {
        eol = strstr(line, "\r\n");
        if (eol != NULL) *eol = '\0';
        char *colon = strchr(line, ':');
        if (colon == NULL) continue;
        *colon = '\0';
        char *value = colon + 1;
        while (*value == ' ' || *value == '\t') value++;
        if (strcasecmp(line, "Content-Length") == 0) content_length = (size_t)strtoul(value, NULL, 10);
        if (strlen(r->headers_json) > 1) strcat(r->headers_json, ",");
        json_append_string(r->headers_json, sizeof r->headers_json, line);
        strcat(r->headers_json, ":");
        json_append_string(r->headers_json, sizeof r->headers_json, value);
    }
    strcat(r->headers_json, "}");

    if (content_length > sizeof r->body) return -1;
    if (have > content_length) have = content_length;
    memcpy(r->body, body_start, have);
    while (have < content_length) {
        ssize_t got = recv(fd, r->body + have, content_length - have, 0);
        if (got <= 0) return -1;
        have += (size_t)got;
    }
    r->body_len = content_length;
    return 0;
}

/* Verifies one request with vipps_handle_callback; returns the owned answer. */
static char *verify(const vipps_client *client, const struct request *r, const char *body, size_t body_len) {
    static char request_json[9216];
    snprintf(request_json, sizeof request_json, "{\"method\":");
    json_append_string(request_json, sizeof request_json, r->method);
    strcat(request_json, ",\"url\":");
    json_append_string(request_json, sizeof request_json, r->target);
    strcat(request_json, ",\"headers\":");
    strncat(request_json, r->headers_json, sizeof request_json - strlen(request_json) - 40);
    strcat(request_json, ",\"kind\":\"epayment_webhook\"}");
    return vipps_handle_callback(client, request_json, (const uint8_t *)body, body_len);
}

/* The HTTP status the library says to answer with. */
static int answer_status(const char *answer) {
    const char *response = answer ? strstr(answer, "\"response\":") : NULL;
    const char *status = response ? strstr(response, "\"status\":") : NULL;
    return status ? atoi(status + strlen("\"status\":")) : 500;
}

/*
 * Accepts deliveries on `listener` until a verified webhook whose event has `status`
 * arrives (or `timeout_ms` passes), answering each as the library says. The last request
 * is left in `last` (for the forgery step). Returns 1 if it arrived.
 */
static int receive_webhook(int listener, const vipps_client *client, const char *status, int timeout_ms,
                           struct request *last, char *detail, size_t detail_size) {
    char wanted[64];
    snprintf(wanted, sizeof wanted, "\"status\":\"%s\"", status);
    snprintf(detail, detail_size, "no webhook within %d ms", timeout_ms);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed >= timeout_ms) return 0;
        struct pollfd pfd = {.fd = listener, .events = POLLIN};
        if (poll(&pfd, 1, (int)(timeout_ms - elapsed)) <= 0) return 0;
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        struct timeval tv = {.tv_sec = 5, .tv_usec = 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int found = 0;
        if (read_request(fd, last) == 0) {
            char *answer = verify(client, last, last->body, last->body_len);
            int code = answer_status(answer);
            char reply[128];
            int n = snprintf(reply, sizeof reply, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", code,
                             code == 200 ? "OK" : "Refused");
            if (send(fd, reply, (size_t)n, 0) < 0) perror("send");
            if (answer != NULL && strstr(answer, "\"verified\":true") != NULL && strstr(answer, wanted) != NULL) {
                found = 1;
            } else {
                snprintf(detail, detail_size, "last delivery: %.400s", answer ? answer : "(NULL)");
            }
            vipps_string_free(answer);
        }
        close(fd);
        if (found) return 1;
    }
}

int main(int argc, char **argv) {
    const char *base_url = argc > 1 ? argv[1] : "http://127.0.0.1:7878";
    char config[1024], request[2048], reference[64], webhook_id[128], secret[256], detail[512];
    char *error = NULL;

    if (vipps_abi_version() != VIPPS_ABI_VERSION) {
        fprintf(stderr, "libvipps ABI %u, header ABI %d\n", vipps_abi_version(), VIPPS_ABI_VERSION);
        return 2;
    }

    /* The shop's endpoint: a loopback socket on a free port. */
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t addr_len = sizeof addr;
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 16) != 0 ||
        getsockname(listener, (struct sockaddr *)&addr, &addr_len) != 0) {
        perror("listen on 127.0.0.1");
        return 2;
    }
    char webhook_url[128];
    snprintf(webhook_url, sizeof webhook_url, "http://127.0.0.1:%u/vipps/webhook", ntohs(addr.sin_port));

    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"system_name\":\"c-demo\",\"system_version\":\"1.0\","
             "\"plugin_name\":\"vipps-c-webhook-example\",\"plugin_version\":\"1.0\"}",
             base_url);
    vipps_client *setup = vipps_client_new(config, &error);
    if (setup == NULL) {
        fprintf(stderr, "cannot create the client: %s\n", error ? error : "(no detail)");
        vipps_string_free(error);
        return 2;
    }
    snprintf(request, sizeof request,
             "{\"url\":\"%s\",\"events\":[\"epayments.payment.authorized.v1\",\"epayments.payment.captured.v1\","
             "\"epayments.payment.refunded.v1\"]}",
             webhook_url);
    char *registered = vipps_register_webhook(setup, request);
    int ok = registered != NULL && strstr(registered, "\"ok\":true") != NULL &&
             json_string(registered, "id", webhook_id, sizeof webhook_id) &&
             json_string(registered, "secret", secret, sizeof secret);
    snprintf(detail, sizeof detail, "register webhook for %s", webhook_url);
    report(ok, detail, registered);
    vipps_string_free(registered);
    if (!ok) {
        vipps_client_free(setup);
        return 1;
    }

    /* The shop's client knows the webhook's secret, so deliveries verify. */
    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"system_name\":\"c-demo\",\"system_version\":\"1.0\","
             "\"plugin_name\":\"vipps-c-webhook-example\",\"plugin_version\":\"1.0\",\"webhook_secrets\":[",
             base_url);
    json_append_string(config, sizeof config, secret);
    strcat(config, "]}");
    vipps_client *client = vipps_client_new(config, &error);
    if (client == NULL) {
        fprintf(stderr, "cannot create the client: %s\n", error ? error : "(no detail)");
        vipps_string_free(error);
        vipps_client_free(setup);
        return 2;
    }

    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    snprintf(reference, sizeof reference, "c-webhook-%ld-%d", (long)time(NULL), rand() % 100000);
    snprintf(request, sizeof request,
             "{\"amount\":{\"value\":49900,\"currency\":\"NOK\"},\"paymentMethod\":{\"type\":\"WALLET\"},"
             "\"reference\":\"%s\",\"userFlow\":\"WEB_REDIRECT\",\"returnUrl\":\"https://shop.example/return\","
             "\"paymentDescription\":\"Two pairs of wool socks\",\"idempotency_key\":\"create-%s\"}",
             reference, reference);
    snprintf(detail, sizeof detail, "create ePayment payment %s, NOK 499.00", reference);
    if (check(detail, vipps_create_payment(client, request), "redirectUrl")) {
        snprintf(request, sizeof request, "{\"reference\":\"%s\",\"customer\":{\"phoneNumber\":\"4791234567\"}}", reference);
        check("approve in the simulator (test approve endpoint)", vipps_force_approve(client, request), NULL);

        static struct request last;
        char why[512];
        ok = receive_webhook(listener, client, "authorized", 10000, &last, why, sizeof why);
        report(ok, "webhook AUTHORIZED received on the socket and verified (HMAC signature, content hash, date)", why);

        if (ok) {
            /* The same delivery with one byte of the body changed must be refused. */
            static char forged[sizeof last.body];
            memcpy(forged, last.body, last.body_len);
            char *amount = strstr(forged, "\"value\":");
            if (amount != NULL) amount[strlen("\"value\":")] = amount[strlen("\"value\":")] == '9' ? '8' : '9';
            char *answer = verify(client, &last, forged, last.body_len);
            int refused = answer != NULL && strstr(answer, "\"verified\":false") != NULL && answer_status(answer) == 401;
            report(refused, "a forged copy (amount changed) is refused: 401, not verified", answer);
            vipps_string_free(answer);
        }

        snprintf(request, sizeof request,
                 "{\"reference\":\"%s\",\"amount\":{\"value\":49900,\"currency\":\"NOK\"},\"idempotency_key\":\"capture-%s\"}",
                 reference, reference);
        check("capture NOK 499.00 \u2192 captured", vipps_capture(client, request), "\"status\":\"captured\"");
        ok = receive_webhook(listener, client, "captured", 10000, &last, why, sizeof why);
        report(ok, "webhook CAPTURED received and verified", why);

        snprintf(request, sizeof request,
                 "{\"reference\":\"%s\",\"amount\":{\"value\":10000,\"currency\":\"NOK\"},\"idempotency_key\":\"refund-%s-1\"}",
                 reference, reference);
        check("refund NOK 100.00 \u2192 partially_refunded", vipps_refund(client, request), "\"status\":\"partially_refunded\"");
        ok = receive_webhook(listener, client, "refunded", 10000, &last, why, sizeof why);
        report(ok, "webhook REFUNDED received and verified", why);

        snprintf(request, sizeof request, "{\"reference\":\"%s\"}", reference);
        char *final = vipps_reconcile(client, request);
        ok = final != NULL && strstr(final, "\"status\":\"partially_refunded\"") != NULL &&
             strstr(final, "\"captured\":49900") != NULL && strstr(final, "\"refunded\":10000") != NULL &&
             strstr(final, "\"refundable\":39900") != NULL;
        report(ok, "final status: partially_refunded, captured 49900, refunded 10000, refundable 39900", final);
        vipps_string_free(final);
    }

    snprintf(request, sizeof request, "{\"id\":\"%s\"}", webhook_id);
    check("delete the webhook registration", vipps_delete_webhook(client, request), "\"deleted\":true");

    close(listener);
    vipps_client_free(client);
    vipps_client_free(setup);
    return failures == 0 ? 0 : 1;
}
