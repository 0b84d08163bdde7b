// A last word on a crash: the Pi binary has no debugger attached, so a fatal signal prints one line saying which
// command was working on which file before the process dies of it (the exit status still says the signal).
#ifndef ES_FATAL_SIGNAL_H
#define ES_FATAL_SIGNAL_H

// Installs handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP and SIGABRT (Swift's traps are SIGILL on x86 and
// SIGTRAP on ARM), on an alternate stack so a stack overflow is reported too. Each writes
// "PROGRAM COMMAND: fatal signal SIGxxx while reading FILE" to stderr (async-signal-safe write(2) only), then
// restores the default action and re-raises. `program` is copied.
void es_fatal_signals_install(const char *program);

// What the process works on now, for that line: the command (e.g. "segment") and the file (NULL: none). Copied
// into the spare of two buffers, then published with one store, so a handler never reads a half-written text.
void es_fatal_signals_context(const char *command, const char *file);

#endif
