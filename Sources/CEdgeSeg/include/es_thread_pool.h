// A fixed pool of worker threads for splitting one op over cores (XNNPACK's pthreadpool idea, minimal):
// started once with the session, then each parallel op hands out `units` work items, which the workers and
// the calling thread take one by one until none are left. Nothing is allocated after creation.
#ifndef ES_THREAD_POOL_H
#define ES_THREAD_POOL_H
#include <stddef.h>

typedef struct es_thread_pool es_thread_pool;

// Work item `unit` of a parallel op, run by thread `worker` (0 = the caller, 1..threads-1 the pool's threads);
// `worker` lets each thread use its own scratch.
typedef void (*es_thread_pool_task)(void *context, size_t unit, size_t worker);

// A pool for `threads` threads in all, the caller included (threads - 1 are started). NULL if a thread cannot
// be started (then errno says why) or threads is 0.
es_thread_pool *es_thread_pool_create(size_t threads);

// Runs task(context, u, worker) for every u in [0, units) and returns when all are done. One op at a time.
void es_thread_pool_run(es_thread_pool *pool, es_thread_pool_task task, void *context, size_t units);

size_t es_thread_pool_threads(const es_thread_pool *pool);

// Stops and joins the threads and frees the pool.
void es_thread_pool_destroy(es_thread_pool *pool);

#endif
