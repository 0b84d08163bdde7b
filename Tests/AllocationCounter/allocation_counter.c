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

// Each allocation_tracking_begin starts a tracking with its own id; a thread belongs to at most one.
static _Thread_local long tracking;  // 0: untracked
static _Thread_local int inherit;    // this thread hands its tracking to the threads it creates
static atomic_long next_tracking = 1;
// The tracking whose allocations count now (0: none). Counting windows of parallel tests take turns.
static atomic_long counted_tracking;
static atomic_long count;
static atomic_long largest;
static pthread_mutex_t counting_turn = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local long last_count, last_largest;  // this thread's last counting window

static void note(size_t size) {
    if (tracking != 0 && tracking == atomic_load_explicit(&counted_tracking, memory_order_relaxed)) {
        atomic_fetch_add(&count, 1);
        long seen = atomic_load_explicit(&largest, memory_order_relaxed);
        while ((long)size > seen && !atomic_compare_exchange_weak(&largest, &seen, (long)size)) {}
    }
}

void allocation_tracking_begin(void) { tracking = atomic_fetch_add(&next_tracking, 1); }
void allocation_tracking_end(void) { tracking = 0; }
void allocation_tracking_new_threads(int on) { inherit = on; }

void allocation_counting(int on) {
    if (on) {
        pthread_mutex_lock(&counting_turn);
        atomic_store(&count, 0);
        atomic_store(&largest, 0);
        atomic_store(&counted_tracking, tracking);
    } else {
        atomic_store(&counted_tracking, 0);
        last_count = atomic_load(&count);
        last_largest = atomic_load(&largest);
        pthread_mutex_unlock(&counting_turn);
    }
}

long allocation_count(void) { return last_count; }
long allocation_largest(void) { return last_largest; }

// AddressSanitizer replaces malloc itself: a second replacement would bypass it, so under ASan nothing is
// replaced and nothing counted (Tests/Sanitizers/run-sanitizers.sh).
#if defined(__SANITIZE_ADDRESS__)
#define ALLOCATION_COUNTER_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLOCATION_COUNTER_OFF 1
#endif
#endif

#ifdef ALLOCATION_COUNTER_OFF
int allocation_counter_active(void) { return 0; }
#else
int allocation_counter_active(void) { return 1; }

void *malloc(size_t size) {
    note(size);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    note(count * size);
    return __libc_calloc(count, size);
}

void *realloc(void *p, size_t size) {
    note(size);
    return __libc_realloc(p, size);
}

void free(void *p) { __libc_free(p); }

void *memalign(size_t alignment, size_t size) {
    note(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    note(size);
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    note(size);
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, size);
    if (!p && size) return ENOMEM;
    *out = p;
    return 0;
}

// Threads a tracked thread starts while it has `inherit` on join its tracking (the session's worker pool).
typedef struct {
    void *(*start)(void *);
    void *argument;
    long tracking;
} thread_start;

static void *tracked_thread(void *p) {
    thread_start start = *(thread_start *)p;
    __libc_free(p);
    tracking = start.tracking;
    return start.start(start.argument);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *argument) {
    static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    if (!real) real = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))dlsym(RTLD_NEXT, "pthread_create");
    if (tracking == 0 || !inherit) return real(thread, attr, start, argument);
    thread_start *s = __libc_malloc(sizeof *s);
    if (!s) return EAGAIN;
    s->start = start;
    s->argument = argument;
    s->tracking = tracking;
    int status = real(thread, attr, tracked_thread, s);
    if (status != 0) __libc_free(s);
    return status;
}
#endif
