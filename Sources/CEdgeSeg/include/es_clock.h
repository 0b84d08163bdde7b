// The monotonic clock, for frame latencies and rates (never steps with the wall clock).
#ifndef ES_CLOCK_H
#define ES_CLOCK_H
#include <stdint.h>

// CLOCK_MONOTONIC in nanoseconds: the clock V4L2 drivers stamp buffers with.
uint64_t es_monotonic_ns(void);

// Sleeps `ms` milliseconds, or less if a signal arrives (the caller looks at its stop flag then).
void es_sleep_ms(int ms);

#endif
