// A QEMU TCG plugin that counts the guest instructions a program executes (qemu-user's -plugin; the counts
// Boards/README.md gives per frame). Counted inline per translated block, so it costs little; run the guest
// single-threaded (the counter is not atomic). Declares the few plugin-API v1 calls it uses itself: Debian
// ships plugin-enabled qemu-user binaries (qemu 7.2) but not qemu-plugin.h.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "qemu-plugin-api.h"


static uint64_t executed;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &executed, qemu_plugin_tb_n_insns(tb));
}

static void on_exit(qemu_plugin_id_t id, void *userdata) {
    (void)id; (void)userdata;
    char line[64];
    snprintf(line, sizeof line, "insns: %" PRIu64 "\n", executed);
    qemu_plugin_outs(line);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
    (void)info; (void)argc; (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_exit, NULL);
    return 0;
}
