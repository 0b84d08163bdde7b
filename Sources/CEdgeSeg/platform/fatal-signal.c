#include "es_fatal_signal.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { CONTEXT_SIZE = 1024 };

static char program_name[128];
// [slot][0]: " COMMAND", [slot][1]: " while reading FILE" or "".
static char contexts[2][2][CONTEXT_SIZE];
static volatile sig_atomic_t current = -1;  // which of `contexts` is published; -1: none yet
static char alternate_stack[64 * 1024];

static const char *signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    default: return "a fatal signal";
    }
}

static void put(const char *text) {
    size_t n = 0;
    while (text[n]) n++;
    ssize_t rc = write(STDERR_FILENO, text, n);
    (void)rc;  // nothing to do about a stderr that cannot be written
}

static void report(int sig) {
    int slot = current;
    put(program_name);
    if (slot >= 0) put(contexts[slot][0]);
    put(": fatal signal ");
    put(signal_name(sig));
    if (slot >= 0) put(contexts[slot][1]);
    put("\n");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    raise(sig);  // delivered when this handler returns (the signal is blocked while it runs)
}

void es_fatal_signals_install(const char *program) {
    snprintf(program_name, sizeof program_name, "%s", program ? program : "edgeseg");
    stack_t stack;
    memset(&stack, 0, sizeof stack);
    stack.ss_sp = alternate_stack;
    stack.ss_size = sizeof alternate_stack;
    sigaltstack(&stack, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = report;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) sigaction(fatal[i], &sa, NULL);
}

void es_fatal_signals_context(const char *command, const char *file) {
    int spare = current == 0 ? 1 : 0;
    snprintf(contexts[spare][0], CONTEXT_SIZE, " %s", command ? command : "");
    if (file) snprintf(contexts[spare][1], CONTEXT_SIZE, " while reading %s", file);
    else contexts[spare][1][0] = 0;
    current = spare;
}
