// Counts heap allocations for the zero-allocation tests. The test executable defines malloc and friends
// (forwarding to glibc's own), so every allocation in the process passes through here, Swift's included.
// Only the threads of one "tracking" count: the thread that called allocation_tracking_begin, and threads it
// starts while it has allocation_tracking_new_threads on (pthread_create is wrapped too: a session's worker
// pool). Tests running in parallel in the same process have their own trackings, and their counting windows
// take turns, so neither sees the other's allocations.
#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

// Starts a new tracking on the calling thread, or ends the thread's tracking.
void allocation_tracking_begin(void);
void allocation_tracking_end(void);

// While on (for the calling thread), threads it creates join its tracking for their whole life. Keep it on
// only around the creation of the threads under test, so no unrelated thread of the test runner joins.
void allocation_tracking_new_threads(int on);

// Counting the calling thread's tracking on (from 0; waits while another tracking counts) or off.
void allocation_counting(int on);

// Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) by the tracking's threads in
// the calling thread's last counting window.
long allocation_count(void);

// 0 when the counter is off (under AddressSanitizer, which owns malloc): callers then record their check as not run.
int allocation_counter_active(void);

// The largest single allocation (bytes) in that window: "nothing big was allocated".
long allocation_largest(void);

#endif
