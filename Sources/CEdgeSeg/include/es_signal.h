// SIGINT/SIGTERM as a stop request a long-running loop polls, instead of a process that dies mid-write.
#ifndef ES_SIGNAL_H
#define ES_SIGNAL_H

// Installs handlers for SIGINT and SIGTERM that only record the signal (no SA_RESTART, so a blocking
// poll returns EINTR promptly), unblocks them (a parent's blocked mask is inherited), and ignores SIGPIPE
// (a viewer that closes its connection early). Call it before starting threads: they inherit the mask.
void es_stop_signals_install(void);

// The stop signal received (SIGINT or SIGTERM), or 0.
int es_stop_signal_received(void);

#endif
