/*
 * Fork safety with a busy parent (issue 15 #4): a lock that another thread holds at the moment
 * of fork() stays locked in the child forever, so a child must never wait on a lock it inherited.
 *
 * The parent creates one client that logs at debug level to a file (so the logger runs on every
 * call), starts 8 threads that call the library in a loop against the simulator (get_payment of
 * an existing payment, create_payment, get_payment_events), and while they run forks CHILDREN
 * children one after another. Each child makes one get_payment with the inherited client, which
 * needs its own token (token cache) and its own connections (HTTP agent) and writes log lines,
 * then _exit()s: 0 when the call answered the payment, 1 otherwise. A child still running after
 * HANG_SECS is killed by its alarm() and counted as hung. At most WINDOW children run at once, so
 * the run stays short.
 *
 * Usage: fork_busy_test BASE_URL LOG_FILE [CHILDREN (500)]
 * Prints the counts; exit status 0 only if no child hung or failed and the busy threads' calls
 * all succeeded.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vipps.h"

#define THREADS 8
#define WINDOW 16
#define HANG_SECS 5

static vipps_client *client;
static char existing[64];
static atomic_int stop;
static atomic_long busy_calls;
static atomic_long busy_failures;

/* 1 if the envelope is ok and contains `needle` (when given). Frees it. */
static int answered(char *envelope, const char *needle) {
    int ok = envelope != NULL && strstr(envelope, "\"ok\":true") != NULL &&
             (needle == NULL || strstr(envelope, needle) != NULL);
    if (!ok) fprintf(stderr, "[pid %d] unexpected: %s\n", (int)getpid(), envelope ? envelope : "(NULL)");
    vipps_string_free(envelope);
    return ok;
}

static int create_payment(const char *reference) {
    char request[512];
    snprintf(request, sizeof request,
             "{\"amount\":{\"value\":1000,\"currency\":\"NOK\"},\"paymentMethod\":{\"type\":\"WALLET\"},"
             "\"reference\":\"%s\",\"userFlow\":\"WEB_REDIRECT\",\"returnUrl\":\"https://shop.example/r\","
             "\"paymentDescription\":\"Fork busy\"}",
             reference);
    return answered(vipps_create_payment(client, request), "redirectUrl");
}

static void *busy(void *arg) {
    int thread = (int)(long)arg;
    char read[128], reference[64];
    snprintf(read, sizeof read, "{\"reference\":\"%s\"}", existing);
    for (long round = 0; !atomic_load(&stop); round++) {
        int ok;
        switch (round % 3) {
        case 0:
            ok = answered(vipps_get_payment(client, read), existing);
            break;
        case 1:
            snprintf(reference, sizeof reference, "busy-%d-%d-%ld", (int)getpid(), thread, round);
            ok = create_payment(reference);
            break;
        default:
            ok = answered(vipps_get_payment_events(client, read), NULL);
            break;
        }
        atomic_fetch_add(&busy_calls, 1);
        if (!ok) atomic_fetch_add(&busy_failures, 1);
    }
    return NULL;
}

/* The child's one call. Never returns. */
static void child(void) {
    alarm(HANG_SECS); /* a child that hangs on an inherited lock dies of SIGALRM */
    char read[128];
    snprintf(read, sizeof read, "{\"reference\":\"%s\"}", existing);
    int ok = answered(vipps_get_payment(client, read), existing);
    _exit(ok ? 0 : 1);
}

static int ok_children, failed_children, hung_children;

/* Waits for one child and counts how it ended. */
static int reap(void) {
    int status = 0;
    pid_t pid;
    do {
        pid = waitpid(-1, &status, 0);
    } while (pid < 0 && errno == EINTR);
    if (pid < 0) return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        ok_children++;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        hung_children++;
        fprintf(stderr, "child %d hung (killed after %d s)\n", (int)pid, HANG_SECS);
    } else {
        failed_children++;
        fprintf(stderr, "child %d failed (status %d)\n", (int)pid, status);
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: fork_busy_test BASE_URL LOG_FILE [CHILDREN]\n");
        return 2;
    }
    int children = argc > 3 ? atoi(argv[3]) : 500;
    char config[1024], *error = NULL;
    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"system_name\":\"fork-busy-test\",\"system_version\":\"1\","
             "\"plugin_name\":\"fork-busy-test\",\"plugin_version\":\"1\","
             "\"timeouts\":{\"connect_ms\":1000,\"request_ms\":3000,\"total_ms\":3000},\"log\":{\"level\":\"debug\",\"file\":\"%s\"}}",
             argv[1], argv[2]);
    client = vipps_client_new(config, &error);
    if (client == NULL) {
        fprintf(stderr, "client: %s\n", error ? error : "(no error)");
        vipps_string_free(error);
        return 2;
    }
    snprintf(existing, sizeof existing, "fork-busy-%d", (int)getpid());
    if (!create_payment(existing)) return 2;

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; i++) {
        if (pthread_create(&threads[i], NULL, busy, (void *)i) != 0) return 2;
    }
    /* the threads are inside the library before the first fork */
    while (atomic_load(&busy_calls) < THREADS) sched_yield();

    int running = 0;
    for (int i = 0; i < children; i++) {
        if (running == WINDOW) running -= reap();
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            break;
        }
        if (pid == 0) child();
        running++;
    }
    while (running > 0 && reap()) running--;

    atomic_store(&stop, 1);
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    /* the parent still works after all those forks */
    char read[128];
    snprintf(read, sizeof read, "{\"reference\":\"%s\"}", existing);
    int parent_ok = answered(vipps_get_payment(client, read), existing);
    vipps_client_free(client);

    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("fork busy test: %d children: %d ok, %d failed, %d hung; %ld calls by %d busy threads (%ld failed); "
           "parent afterwards %s; %.1f s\n",
           children, ok_children, failed_children, hung_children, atomic_load(&busy_calls), THREADS,
           atomic_load(&busy_failures), parent_ok ? "ok" : "FAILED", seconds);
    int good = ok_children == children && failed_children == 0 && hung_children == 0 &&
               atomic_load(&busy_failures) == 0 && parent_ok;
    return good ? 0 : 1;
}
