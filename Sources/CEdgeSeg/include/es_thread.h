// Threads, a mutex and a condition variable over pthreads, for the camera pipeline (capture, inference and
// the HTTP viewer run side by side). Opaque heap objects, so Swift never copies a pthread type.
#ifndef ES_THREAD_H
#define ES_THREAD_H

typedef struct es_mutex es_mutex;
typedef struct es_cond es_cond;
typedef struct es_thread es_thread;

es_mutex *es_mutex_create(void);
void es_mutex_destroy(es_mutex *m);
void es_mutex_lock(es_mutex *m);
void es_mutex_unlock(es_mutex *m);

// Timeouts are measured on CLOCK_MONOTONIC (a wall-clock step does not stretch them).
es_cond *es_cond_create(void);
void es_cond_destroy(es_cond *c);
// Waits until signalled or `timeout_ms` passed (< 0: no limit). Returns 0 or ETIMEDOUT; may wake spuriously.
int es_cond_wait(es_cond *c, es_mutex *m, int timeout_ms);
void es_cond_broadcast(es_cond *c);

// Starts `body(context)` on a new thread. Returns NULL with *err_no set if it could not start.
es_thread *es_thread_start(void (*body)(void *context), void *context, int *err_no);
// Waits for the thread to finish and frees it.
void es_thread_join(es_thread *t);

#endif
