#include "es_thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct es_mutex { pthread_mutex_t m; };
struct es_cond { pthread_cond_t c; };
struct es_thread {
    pthread_t id;
    void (*body)(void *);
    void *context;
};

es_mutex *es_mutex_create(void) {
    es_mutex *m = malloc(sizeof *m);
    if (m) pthread_mutex_init(&m->m, NULL);
    return m;
}

void es_mutex_destroy(es_mutex *m) {
    if (!m) return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

void es_mutex_lock(es_mutex *m) { pthread_mutex_lock(&m->m); }
void es_mutex_unlock(es_mutex *m) { pthread_mutex_unlock(&m->m); }

es_cond *es_cond_create(void) {
    es_cond *c = malloc(sizeof *c);
    if (!c) return NULL;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->c, &attr);
    pthread_condattr_destroy(&attr);
    return c;
}

void es_cond_destroy(es_cond *c) {
    if (!c) return;
    pthread_cond_destroy(&c->c);
    free(c);
}

int es_cond_wait(es_cond *c, es_mutex *m, int timeout_ms) {
    if (timeout_ms < 0) return pthread_cond_wait(&c->c, &m->m);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    return pthread_cond_timedwait(&c->c, &m->m, &deadline);
}

void es_cond_broadcast(es_cond *c) { pthread_cond_broadcast(&c->c); }

static void *trampoline(void *arg) {
    es_thread *t = arg;
    t->body(t->context);
    return NULL;
}

es_thread *es_thread_start(void (*body)(void *context), void *context, int *err_no) {
    es_thread *t = malloc(sizeof *t);
    if (!t) { *err_no = ENOMEM; return NULL; }
    t->body = body;
    t->context = context;
    int rc = pthread_create(&t->id, NULL, trampoline, t);
    if (rc != 0) {
        free(t);
        *err_no = rc;
        return NULL;
    }
    return t;
}

void es_thread_join(es_thread *t) {
    if (!t) return;
    pthread_join(t->id, NULL);
    free(t);
}
