// See allocation_counter.h. glibc exports its allocator under __libc_* names, which these forward to.
#define _GNU_SOURCE
#include "allocation_counter.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *p);

static _Thread_local int tracked;
static _Thread_local int inherit;  // per thread: only the test's own thread hands tracking to its new threads
static atomic_int counting;
static atomic_long count;

static void note(void) {
    if (tracked && atomic_load_explicit(&counting, memory_order_relaxed)) atomic_fetch_add(&count, 1);
}

void allocation_tracking_begin(void) { tracked = 1; }
void allocation_tracking_end(void) { tracked = 0; }
void allocation_tracking_new_threads(int on) { inherit = on; }

void allocation_counting(int on) {
    if (on) atomic_store(&count, 0);
    atomic_store(&counting, on);
}

long allocation_count(void) { return atomic_load(&count); }

void *malloc(size_t size) {
    note();
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    note();
    return __libc_calloc(count, size);
}

void *realloc(void *p, size_t size) {
    note();
    return __libc_realloc(p, size);
}

void free(void *p) { __libc_free(p); }

void *memalign(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    note();
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, size);
    if (!p && size) return ENOMEM;
    *out = p;
    return 0;
}

// Threads a tracked thread starts while `inherit` is on are tracked too (the session's worker pool).
typedef struct {
    void *(*start)(void *);
    void *argument;
} thread_start;

static void *tracked_thread(void *p) {
    thread_start start = *(thread_start *)p;
    __libc_free(p);
    tracked = 1;
    return start.start(start.argument);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *argument) {
    static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    if (!real) real = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))dlsym(RTLD_NEXT, "pthread_create");
    if (!tracked || !inherit) return real(thread, attr, start, argument);
    thread_start *s = __libc_malloc(sizeof *s);
    if (!s) return EAGAIN;
    s->start = start;
    s->argument = argument;
    int status = real(thread, attr, tracked_thread, s);
    if (status != 0) __libc_free(s);
    return status;
}
