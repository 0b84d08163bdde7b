// The worker pool of es_thread_pool.h: a generation counter wakes the workers for each op, an atomic counter
// hands out work items, and the last thread to finish wakes the caller. A frame is ~150 ops a few hundred
// microseconds apart, so both sides first spin a little on the atomics (as pthreadpool does) and only then
// sleep on the condition variables: a futex wake-up per op cost more than the split saved on small ops.
#include "es_thread_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

// Polls before sleeping: tens of microseconds. None when there are more threads than cores: a polling thread
// would take a core from one with work.
enum { SPINS = 20000 };

static inline void relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

struct es_thread_pool {
    size_t threads;
    int spins;
    pthread_t *handles;
    pthread_mutex_t lock;
    pthread_cond_t wake;  // workers wait here for a new generation
    pthread_cond_t done;  // the caller waits here for the op to finish
    atomic_ulong generation;  // written under lock, read by spinning workers without it
    atomic_int stopping;
    es_thread_pool_task task;
    void *context;
    size_t units;
    atomic_size_t next;     // the next unhanded work item
    atomic_size_t busy;     // workers still inside the current op
};

typedef struct {
    es_thread_pool *pool;
    size_t worker;
} worker_start;

static void take_units(es_thread_pool *pool, size_t worker) {
    for (;;) {
        size_t unit = atomic_fetch_add_explicit(&pool->next, 1, memory_order_relaxed);
        if (unit >= pool->units) return;
        pool->task(pool->context, unit, worker);
    }
}

static void *worker_main(void *argument) {
    worker_start start = *(worker_start *)argument;
    free(argument);
    es_thread_pool *pool = start.pool;
    unsigned long seen = 0;
    for (;;) {
        for (int i = 0; i < pool->spins && atomic_load_explicit(&pool->generation, memory_order_acquire) == seen &&
                        !atomic_load_explicit(&pool->stopping, memory_order_relaxed); i++) {
            relax();
        }
        pthread_mutex_lock(&pool->lock);
        while (atomic_load_explicit(&pool->generation, memory_order_relaxed) == seen && !pool->stopping) {
            pthread_cond_wait(&pool->wake, &pool->lock);
        }
        pthread_mutex_unlock(&pool->lock);
        if (pool->stopping) break;
        seen = atomic_load_explicit(&pool->generation, memory_order_acquire);
        take_units(pool, start.worker);
        if (atomic_fetch_sub_explicit(&pool->busy, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&pool->lock);   // the caller checks `busy` under the lock before it sleeps
            pthread_cond_signal(&pool->done);
            pthread_mutex_unlock(&pool->lock);
        }
    }
    return NULL;
}

es_thread_pool *es_thread_pool_create(size_t threads) {
    if (threads == 0) return NULL;
    es_thread_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->handles = calloc(threads, sizeof(pthread_t));
    if (!pool->handles) {
        free(pool);
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    atomic_init(&pool->next, 0);
    atomic_init(&pool->busy, 0);
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->stopping, 0);
    pool->threads = 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    pool->spins = cores > 0 && threads <= (size_t)cores ? SPINS : 0;
    for (size_t i = 1; i < threads; i++) {
        worker_start *start = malloc(sizeof *start);
        if (!start) break;
        start->pool = pool;
        start->worker = i;
        if (pthread_create(&pool->handles[i], NULL, worker_main, start) != 0) {
            free(start);
            break;
        }
        pool->threads++;
    }
    if (pool->threads < threads) {
        es_thread_pool_destroy(pool);
        return NULL;
    }
    return pool;
}

void es_thread_pool_run(es_thread_pool *pool, es_thread_pool_task task, void *context, size_t units) {
    if (pool->threads == 1 || units <= 1) {
        for (size_t u = 0; u < units; u++) task(context, u, 0);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->task = task;
    pool->context = context;
    pool->units = units;
    atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->busy, pool->threads - 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);  // publishes the fields above
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    take_units(pool, 0);
    for (int i = 0; i < pool->spins && atomic_load_explicit(&pool->busy, memory_order_acquire) > 0; i++) relax();
    pthread_mutex_lock(&pool->lock);
    while (atomic_load_explicit(&pool->busy, memory_order_acquire) > 0) pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

size_t es_thread_pool_threads(const es_thread_pool *pool) { return pool->threads; }

void es_thread_pool_destroy(es_thread_pool *pool) {
    pthread_mutex_lock(&pool->lock);
    atomic_store(&pool->stopping, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (size_t i = 1; i < pool->threads; i++) pthread_join(pool->handles[i], NULL);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    free(pool->handles);
    free(pool);
}
