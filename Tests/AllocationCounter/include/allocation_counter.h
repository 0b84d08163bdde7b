// Counts heap allocations for the zero-allocation tests. The test executable defines malloc and friends
// (forwarding to glibc's own), so every allocation in the process passes through here, Swift's included.
// Only "tracked" threads count: the thread that called allocation_tracking_begin, and threads that thread
// starts while it has allocation_tracking_new_threads on (pthread_create is wrapped too: a session's worker
// pool). Other tests, running in parallel in the same process on other threads, do not count.
#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

// Marks the calling thread as tracked, or no longer.
void allocation_tracking_begin(void);
void allocation_tracking_end(void);

// While on (for the calling thread), threads it creates are tracked for their whole life. Keep it on only around the
// creation of the threads under test, so no unrelated thread of the test runner inherits it.
void allocation_tracking_new_threads(int on);

// Counting on or off; the count restarts from 0 when turned on.
void allocation_counting(int on);

// Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) by tracked threads while counting.
long allocation_count(void);

#endif
