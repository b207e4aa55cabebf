/*
 * vbench: the C side of the benchmark suite (bench/run.py drives it).
 *
 *   vbench latency  DIR ROUNDS PER_ROUND   get_payment through libvipps vs a raw keep-alive socket
 *                                          client sending the identical request (DIR/get_request.http)
 *   vbench nocall   DIR ROUNDS PER_ROUND   per-call cost of make_order_id, handle_callback, apply_event
 *   vbench webhook  DIR WINDOWS MS         handle_callback of a signed ePayment webhook, calls per second
 *   vbench tokens   DIR OPS                OPS network calls (get_payment / capture alternating) in one process
 *   vbench rss      DIR WARMUP CALLS       RSS before/after CALLS mixed calls (after WARMUP calls)
 *
 * DIR holds the fixtures bench/run.py writes: base_url, config.json, reference (a payment to
 * read), capture_refs (authorized payments to capture 1 øre from), get_request.http (the bytes
 * the library sends for get_payment, with a valid token), webhook_request.json, webhook_body.bin,
 * apply_event_request.json. Output: one JSON object on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vipps.h"

static void die(const char *what) {
    fprintf(stderr, "vbench: %s\n", what);
    exit(1);
}

static char *slurp(const char *dir, const char *name, size_t *len_out) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "vbench: cannot open %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) die("read failed");
    buf[n] = 0;
    fclose(f);
    if (len_out) *len_out = (size_t)n;
    return buf;
}

static char *trim(char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = 0;
    return s;
}

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
           ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Percentile of a sorted array (nearest rank). */
static uint64_t pct(const uint64_t *sorted, size_t n, double p) {
    if (n == 0) return 0;
    size_t i = (size_t)(p / 100.0 * (double)n);
    if (i >= n) i = n - 1;
    return sorted[i];
}

static uint64_t median_of(uint64_t *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_u64);
    return pct(v, n, 50);
}

static void ok_or_die(char *envelope, const char *what) {
    /* serde_json writes the keys in order: {"data":...,"ok":true} */
    size_t n = envelope ? strlen(envelope) : 0;
    if (n < 10 || strcmp(envelope + n - 10, "\"ok\":true}") != 0) {
        fprintf(stderr, "vbench: %s failed: %.400s\n", what, envelope ? envelope : "(null)");
        exit(1);
    }
}

static vipps_client *make_client(const char *dir) {
    char *config = slurp(dir, "config.json", NULL);
    char *err = NULL;
    vipps_client *c = vipps_client_new(config, &err);
    if (!c) {
        fprintf(stderr, "vbench: client: %s\n", err ? err : "?");
        exit(1);
    }
    free(config);
    return c;
}

/* ---------- the raw keep-alive client: one socket, identical request bytes ---------- */

typedef struct {
    char host[64];
    int port;
    int fd;
    char *buf;
    size_t cap;
} raw_conn;

static void raw_parse_base(raw_conn *rc, const char *base) {
    /* http://127.0.0.1:PORT */
    const char *p = strstr(base, "://");
    if (!p) die("bad base url");
    p += 3;
    const char *colon = strchr(p, ':');
    if (!colon || (size_t)(colon - p) >= sizeof rc->host) die("bad base url");
    memcpy(rc->host, p, (size_t)(colon - p));
    rc->host[colon - p] = 0;
    rc->port = atoi(colon + 1);
    rc->fd = -1;
    rc->cap = 1 << 16;
    rc->buf = malloc(rc->cap);
}

static void raw_connect(raw_conn *rc) {
    rc->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (rc->fd < 0) die("socket");
    int one = 1;
    setsockopt(rc->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)rc->port);
    inet_pton(AF_INET, rc->host, &a.sin_addr);
    if (connect(rc->fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
}

/* Sends the request, reads one response (Content-Length framed); returns the status code. */
static int raw_roundtrip(raw_conn *rc, const char *req, size_t req_len, size_t *body_len) {
    for (int attempt = 0; attempt < 2; attempt++) {
        if (rc->fd < 0) raw_connect(rc);
        size_t off = 0;
        while (off < req_len) {
            ssize_t w = send(rc->fd, req + off, req_len - off, MSG_NOSIGNAL);
            if (w <= 0) break;
            off += (size_t)w;
        }
        if (off < req_len) {
            close(rc->fd);
            rc->fd = -1;
            continue;
        }
        size_t have = 0, head_end = 0, content_len = 0;
        int status = 0;
        for (;;) {
            ssize_t r = recv(rc->fd, rc->buf + have, rc->cap - have - 1, 0);
            if (r <= 0) break;
            have += (size_t)r;
            rc->buf[have] = 0;
            if (!head_end) {
                char *e = strstr(rc->buf, "\r\n\r\n");
                if (!e) continue;
                head_end = (size_t)(e - rc->buf) + 4;
                status = atoi(rc->buf + 9);
                for (char *line = strstr(rc->buf, "\r\n"); line && line < e; line = strstr(line + 2, "\r\n")) {
                    if (strncasecmp(line + 2, "content-length:", 15) == 0) {
                        content_len = (size_t)strtoul(line + 17, NULL, 10);
                        break;
                    }
                }
                if (head_end + content_len >= rc->cap) die("response too large");
            }
            if (have >= head_end + content_len) {
                *body_len = content_len;
                return status;
            }
        }
        close(rc->fd); /* the server closed the idle connection: reconnect once */
        rc->fd = -1;
    }
    die("raw request failed twice");
    return 0;
}

/* ---------- modes ---------- */

static int mode_latency(const char *dir, int rounds, int per_round) {
    vipps_client *c = make_client(dir);
    char *ref = trim(slurp(dir, "reference", NULL));
    char *base = trim(slurp(dir, "base_url", NULL));
    size_t req_len;
    char *req = slurp(dir, "get_request.http", &req_len);
    char get_json[256];
    snprintf(get_json, sizeof get_json, "{\"reference\":\"%s\"}", ref);
    raw_conn rc;
    raw_parse_base(&rc, base);

    size_t n = (size_t)rounds * (size_t)per_round;
    uint64_t *lib = malloc(n * sizeof *lib), *raw = malloc(n * sizeof *raw);
    uint64_t *round_ratio = malloc((size_t)rounds * sizeof *round_ratio);
    uint64_t lib_cpu = 0, raw_cpu = 0;
    size_t body_len = 0;

    /* warm-up: token, connections, caches */
    for (int i = 0; i < 200; i++) {
        char *e = vipps_get_payment(c, get_json);
        ok_or_die(e, "get_payment");
        vipps_string_free(e);
        if (raw_roundtrip(&rc, req, req_len, &body_len) != 200) die("raw GET is not 200");
    }
    for (int r = 0; r < rounds; r++) {
        uint64_t *L = lib + (size_t)r * per_round, *R = raw + (size_t)r * per_round;
        for (int half = 0; half < 2; half++) {
            int do_lib = (half == 0) == (r % 2 == 0); /* alternate which goes first */
            uint64_t c0 = cpu_ns();
            for (int i = 0; i < per_round; i++) {
                uint64_t t0 = now_ns();
                if (do_lib) {
                    char *e = vipps_get_payment(c, get_json);
                    uint64_t t1 = now_ns();
                    ok_or_die(e, "get_payment");
                    vipps_string_free(e);
                    L[i] = t1 - t0;
                } else {
                    int st = raw_roundtrip(&rc, req, req_len, &body_len);
                    R[i] = now_ns() - t0;
                    if (st != 200) die("raw GET is not 200");
                }
            }
            if (do_lib) lib_cpu += cpu_ns() - c0; else raw_cpu += cpu_ns() - c0;
        }
        uint64_t *tl = malloc(per_round * sizeof *tl), *tr = malloc(per_round * sizeof *tr);
        memcpy(tl, L, per_round * sizeof *tl);
        memcpy(tr, R, per_round * sizeof *tr);
        uint64_t ml = median_of(tl, per_round), mr = median_of(tr, per_round);
        round_ratio[r] = mr ? ml * 10000 / mr : 0; /* ratio x 10000 */
        free(tl);
        free(tr);
    }
    qsort(lib, n, sizeof *lib, cmp_u64);
    qsort(raw, n, sizeof *raw, cmp_u64);
    printf("{\"calls_each\":%zu,\"rounds\":%d,\"response_body_bytes\":%zu,"
           "\"lib_p50_ns\":%llu,\"lib_p99_ns\":%llu,\"raw_p50_ns\":%llu,\"raw_p99_ns\":%llu,"
           "\"lib_cpu_ns_per_call\":%llu,\"raw_cpu_ns_per_call\":%llu,\"round_ratio_median\":%.4f}\n",
           n, rounds, body_len, (unsigned long long)pct(lib, n, 50), (unsigned long long)pct(lib, n, 99),
           (unsigned long long)pct(raw, n, 50), (unsigned long long)pct(raw, n, 99),
           (unsigned long long)(lib_cpu / n), (unsigned long long)(raw_cpu / n),
           (double)median_of(round_ratio, (size_t)rounds) / 10000.0);
    vipps_client_free(c);
    return 0;
}

typedef struct {
    const char *name;
    vipps_client *c;
    const char *req;
    const uint8_t *body;
    size_t body_len;
} nocall;

static char *nocall_run(const nocall *k) {
    if (strcmp(k->name, "make_order_id") == 0) return vipps_make_order_id(k->req);
    if (strcmp(k->name, "handle_callback") == 0) return vipps_handle_callback(k->c, k->req, k->body, k->body_len);
    return vipps_apply_event(k->c, k->req);
}

static const char ORDER_REQ[] = "{\"prefix\":\"acme\",\"order_number\":1001,\"msn\":\"123456\",\"attempt\":2}";

static void load_nocalls(const char *dir, vipps_client *c, nocall k[3]) {
    size_t body_len;
    char *body = slurp(dir, "webhook_body.bin", &body_len);
    k[0] = (nocall){"make_order_id", c, ORDER_REQ, NULL, 0};
    k[1] = (nocall){"handle_callback", c, slurp(dir, "webhook_request.json", NULL), (const uint8_t *)body, body_len};
    k[2] = (nocall){"apply_event", c, slurp(dir, "apply_event_request.json", NULL), NULL, 0};
    char *e = nocall_run(&k[1]);
    ok_or_die(e, "handle_callback");
    if (!strstr(e, "\"verified\":true")) {
        fprintf(stderr, "vbench: the webhook fixture does not verify: %.600s\n", e);
        exit(1);
    }
    vipps_string_free(e);
}

static int mode_nocall(const char *dir, int rounds, int per_round) {
    vipps_client *c = make_client(dir);
    nocall k[3];
    load_nocalls(dir, c, k);
    uint64_t *per_call = malloc((size_t)rounds * sizeof *per_call);
    printf("{");
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < per_round; i++) vipps_string_free(nocall_run(&k[f])); /* warm-up */
        for (int r = 0; r < rounds; r++) {
            uint64_t t0 = now_ns();
            for (int i = 0; i < per_round; i++) vipps_string_free(nocall_run(&k[f]));
            per_call[r] = (now_ns() - t0) / (uint64_t)per_round;
        }
        printf("%s\"%s_ns\":%llu", f ? "," : "", k[f].name, (unsigned long long)median_of(per_call, (size_t)rounds));
    }
    printf("}\n");
    vipps_client_free(c);
    return 0;
}

static int mode_webhook(const char *dir, int windows, int ms) {
    vipps_client *c = make_client(dir);
    nocall k[3];
    load_nocalls(dir, c, k);
    uint64_t *rate = malloc((size_t)windows * sizeof *rate);
    for (int i = 0; i < 20000; i++) vipps_string_free(nocall_run(&k[1]));
    for (int w = 0; w < windows; w++) {
        uint64_t start = now_ns(), end = start + (uint64_t)ms * 1000000u, calls = 0, t;
        do {
            for (int i = 0; i < 100; i++) vipps_string_free(nocall_run(&k[1]));
            calls += 100;
            t = now_ns();
        } while (t < end);
        rate[w] = calls * 1000000000u / (t - start);
    }
    uint64_t lo = rate[0], hi = rate[0];
    for (int w = 1; w < windows; w++) {
        if (rate[w] < lo) lo = rate[w];
        if (rate[w] > hi) hi = rate[w];
    }
    printf("{\"windows\":%d,\"window_ms\":%d,\"per_sec_median\":%llu,\"per_sec_min\":%llu,\"per_sec_max\":%llu}\n",
           windows, ms, (unsigned long long)median_of(rate, (size_t)windows), (unsigned long long)lo,
           (unsigned long long)hi);
    vipps_client_free(c);
    return 0;
}

/* Network operations: even i reads the payment, odd i captures 1 øre from the next capture ref. */
typedef struct {
    vipps_client *c;
    char get_json[256];
    char **caps;
    size_t ncaps, next;
} netops;

static void load_netops(const char *dir, vipps_client *c, netops *n) {
    n->c = c;
    snprintf(n->get_json, sizeof n->get_json, "{\"reference\":\"%s\"}", trim(slurp(dir, "reference", NULL)));
    char *refs = slurp(dir, "capture_refs", NULL);
    n->caps = NULL;
    n->ncaps = 0;
    n->next = 0;
    for (char *line = strtok(refs, "\n"); line; line = strtok(NULL, "\n")) {
        n->caps = realloc(n->caps, (n->ncaps + 1) * sizeof *n->caps);
        n->caps[n->ncaps] = malloc(256);
        snprintf(n->caps[n->ncaps], 256,
                 "{\"reference\":\"%s\",\"amount\":{\"value\":1,\"currency\":\"NOK\"}}", trim(line));
        n->ncaps++;
    }
    if (!n->ncaps) die("no capture refs");
}

static void netop(netops *n, long i) {
    char *e = (i % 2 == 0) ? vipps_get_payment(n->c, n->get_json)
                           : vipps_capture(n->c, n->caps[n->next++ % n->ncaps]);
    ok_or_die(e, i % 2 == 0 ? "get_payment" : "capture");
    vipps_string_free(e);
}

static int mode_tokens(const char *dir, long ops) {
    vipps_client *c = make_client(dir);
    netops n;
    load_netops(dir, c, &n);
    uint64_t t0 = now_ns();
    for (long i = 0; i < ops; i++) netop(&n, i);
    printf("{\"ops\":%ld,\"seconds\":%.3f}\n", ops, (double)(now_ns() - t0) / 1e9);
    vipps_client_free(c);
    return 0;
}

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) v = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return v;
}

static int mode_rss(const char *dir, long warmup, long calls) {
    vipps_client *c = make_client(dir);
    netops n;
    load_netops(dir, c, &n);
    nocall k[3];
    load_nocalls(dir, c, k);
    /* the mix: get_payment, handle_callback, apply_event, make_order_id, in turn */
    for (long i = 0; i < warmup; i++) {
        if (i % 4 == 0) netop(&n, 0); else vipps_string_free(nocall_run(&k[i % 4 - 1]));
    }
    long before = rss_kib();
    printf("{\"warmup\":%ld,\"calls\":%ld,\"rss_kib_before\":%ld,\"samples_kib\":[", warmup, calls, before);
    for (long i = 0; i < calls; i++) {
        if (i % 4 == 0) netop(&n, 0); else vipps_string_free(nocall_run(&k[i % 4 - 1]));
        if ((i + 1) % 10000 == 0) printf("%s%ld", i + 1 == 10000 ? "" : ",", rss_kib());
    }
    long after = rss_kib();
    printf("],\"rss_kib_after\":%ld,\"growth_kib\":%ld}\n", after, after - before);
    vipps_client_free(c);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) die("usage: vbench MODE DIR ARGS...");
    const char *mode = argv[1], *dir = argv[2];
    long a = argc > 3 ? atol(argv[3]) : 0, b = argc > 4 ? atol(argv[4]) : 0;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (strcmp(mode, "latency") == 0) return mode_latency(dir, (int)a, (int)b);
    if (strcmp(mode, "nocall") == 0) return mode_nocall(dir, (int)a, (int)b);
    if (strcmp(mode, "webhook") == 0) return mode_webhook(dir, (int)a, (int)b);
    if (strcmp(mode, "tokens") == 0) return mode_tokens(dir, a);
    if (strcmp(mode, "rss") == 0) return mode_rss(dir, a, b);
    die("unknown mode");
    return 1;
}
