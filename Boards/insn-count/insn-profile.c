// A QEMU TCG plugin that attributes the guest instructions a program executes to its functions (the symbol of each
// translated block's first instruction, from the binary's symbol table), and counts among them the dot-product
// (SDOT/UDOT, vector) and multiply (SMULL/UMULL/MUL/MLA/SMLAL... vector, and scalar MUL/MADD/SMULL) instructions,
// so MAC efficiency shows per kernel, and per guest thread (qemu-user gives each thread its own vCPU index), so the
// balance of a thread pool's work shows too. At exit it writes "thread insns dots muls function" lines and a
// "total" line to the plugin log (-d plugin -D FILE). Counted per translated block run (a block does not cross a
// function's start in compiled code), each thread in its own counter.
// Declares the plugin-API v1 calls it uses itself: Debian ships plugin-enabled qemu-user (7.2) without the header.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-api.h"


// Guest threads counted apart (later ones are added to the last).
#define MAX_THREADS 16

// One translation of a block: how often each thread ran it, and what one run executes.
typedef struct block {
    uint64_t runs[MAX_THREADS];
    uint32_t insns, dots, muls;
    const char *symbol;
    struct block *next;
} block;

static block *blocks;

// A64 encodings (Arm ARM, C4): SDOT/UDOT (vector and by element); the integer multiplies: vector MUL/PMUL, MLA/MLS,
// SMULL/UMULL, SMLAL/UMLAL, SQDMULH/SQRDMULH, their by-element forms (SMLSL/UMLSL by element not), and the scalar
// MADD/MSUB/SMADDL/UMADDL/SMULH/UMULH (MUL is MADD).
static int is_dot(uint32_t w) {
    return (w & 0x9F20FC00u) == 0x0E009400u || (w & 0x9F00F400u) == 0x0F00E000u;
}

static int is_mul(uint32_t w) {
    if ((w & 0x9F20FC00u) == 0x0E209C00u) return 1;                 // MUL (vector)
    if ((w & 0x9F20FC00u) == 0x0E209400u) return 1;                 // MLA/MLS (vector)
    if ((w & 0x9F20FC00u) == 0x0E208000u) return 1;                 // SMLAL/UMLAL
    if ((w & 0x9F20FC00u) == 0x0E20C000u) return 1;                 // SMULL/UMULL
    if ((w & 0x9F20FC00u) == 0x0E20B400u) return 1;                 // SQDMULH/SQRDMULH
    if ((w & 0x9F00F400u) == 0x0F002000u || (w & 0x9F00B400u) == 0x0F000000u) return 1;  // MLA/MLAL.. by element
    if ((w & 0x9F00F400u) == 0x0F008000u || (w & 0x9F00F400u) == 0x0F00A000u) return 1;  // MUL/SMULL.. by element
    if ((w & 0x9F00F000u) == 0x0F00C000u) return 1;                 // SQDMULH/SQRDMULH by element
    if ((w & 0x7F000000u) == 0x1B000000u) return 1;                 // MADD/MSUB/SMADDL/UMADDL/SMULH/UMULH
    return 0;
}

static void on_run(unsigned int vcpu, void *userdata) {
    ((block *)userdata)->runs[vcpu < MAX_THREADS ? vcpu : MAX_THREADS - 1]++;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    block *b = calloc(1, sizeof *b);
    if (!b || n == 0) return;
    b->insns = (uint32_t)n;
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (i == 0) b->symbol = qemu_plugin_insn_symbol(insn);
        if (qemu_plugin_insn_size(insn) != 4) continue;
        uint32_t w;
        memcpy(&w, qemu_plugin_insn_data(insn), 4);
        b->dots += (uint32_t)is_dot(w);
        b->muls += (uint32_t)is_mul(w);
    }
    b->next = blocks;
    blocks = b;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_run, QEMU_PLUGIN_CB_NO_REGS, b);
}

typedef struct {
    const char *symbol;
    unsigned thread;
    uint64_t insns, dots, muls;
} function;

static int by_symbol(const void *a, const void *b) {
    const function *f = a, *g = b;
    int c = strcmp(f->symbol ? f->symbol : "?", g->symbol ? g->symbol : "?");
    return c ? c : (int)f->thread - (int)g->thread;
}

static int by_insns(const void *a, const void *b) {
    uint64_t x = ((const function *)a)->insns, y = ((const function *)b)->insns;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void at_exit(qemu_plugin_id_t id, void *userdata) {
    (void)id, (void)userdata;
    size_t count = 0;
    for (block *b = blocks; b; b = b->next) count++;
    function *f = calloc(count ? count * MAX_THREADS : 1, sizeof *f);
    if (!f) return;
    size_t i = 0;
    for (block *b = blocks; b; b = b->next)
        for (unsigned t = 0; t < MAX_THREADS; t++)
            if (b->runs[t]) f[i++] = (function){b->symbol, t, b->runs[t] * b->insns, b->runs[t] * b->dots, b->runs[t] * b->muls};
    count = i;
    qsort(f, count, sizeof *f, by_symbol);
    size_t unique = 0;
    uint64_t total[3] = {0, 0, 0};
    for (i = 0; i < count; i++) {
        total[0] += f[i].insns, total[1] += f[i].dots, total[2] += f[i].muls;
        if (unique > 0 && by_symbol(&f[unique - 1], &f[i]) == 0) {
            f[unique - 1].insns += f[i].insns, f[unique - 1].dots += f[i].dots, f[unique - 1].muls += f[i].muls;
        } else {
            f[unique++] = f[i];
        }
    }
    qsort(f, unique, sizeof *f, by_insns);
    char line[512];
    for (i = 0; i < unique && f[i].insns > 0; i++) {
        snprintf(line, sizeof line, "%u %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n", f[i].thread, f[i].insns, f[i].dots,
                 f[i].muls, f[i].symbol ? f[i].symbol : "?");
        qemu_plugin_outs(line);
    }
    snprintf(line, sizeof line, "- %" PRIu64 " %" PRIu64 " %" PRIu64 " total\n", total[0], total[1], total[2]);
    qemu_plugin_outs(line);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                                               char **argv) {
    (void)info, (void)argc, (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
