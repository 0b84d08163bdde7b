// Lines for a person (or a test) watching a long-running loop: written and flushed at once, even when
// stdout is a pipe or a file and would otherwise hold them in its buffer.
#ifndef ES_CONSOLE_H
#define ES_CONSOLE_H

// Writes `text` and a newline to stdout, then flushes it.
void es_print_line(const char *text);

#endif
