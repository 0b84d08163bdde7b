// Probes the CPU once and fills the int8 kernel table (see es_int8_dispatch.h).
#include "es_int8_dispatch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

// XCR0: which register states the OS saves on a context switch. A CPU flag alone is not enough.
static uint64_t read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

es_int8_cpu_features es_int8_cpu_probe(void) {
    es_int8_cpu_features f = {0, 0, 0, 0, 0};
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
    int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!osxsave || !avx || __get_cpuid_max(0, NULL) < 7) return f;
    uint64_t xcr0 = read_xcr0();
    int ymm_state = (xcr0 & 0x6) == 0x6;            // SSE + AVX
    int zmm_state = ymm_state && (xcr0 & 0xE0) == 0xE0;  // opmask + upper ZMM halves + ZMM16-31
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    unsigned max_subleaf = eax;
    f.avx2 = ymm_state && ((ebx >> 5) & 1);
    int avx512f = (ebx >> 16) & 1, avx512bw = (ebx >> 30) & 1, avx512vl = (ebx >> 31) & 1;
    int avx512vnni = (ecx >> 11) & 1, avx512vbmi = (ecx >> 1) & 1;
    f.avx512vnni = f.avx2 && zmm_state && avx512f && avx512bw && avx512vl && avx512vnni;
    f.avx512vbmi = f.avx512vnni && avx512vbmi;
    if (max_subleaf >= 1) {
        __cpuid_count(7, 1, eax, ebx, ecx, edx);
        f.avxvnni = f.avx2 && ((eax >> 4) & 1);
    }
    return f;
}
#elif defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>

// NEON is baseline on aarch64; the kernel reports the dot-product extension in AT_HWCAP.
es_int8_cpu_features es_int8_cpu_probe(void) {
    es_int8_cpu_features f = {0, 0, 0, 0, 0};
    f.neondot = (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
    return f;
}
#else
es_int8_cpu_features es_int8_cpu_probe(void) {
    es_int8_cpu_features f = {0, 0, 0, 0, 0};
    return f;
}
#endif

// Indexed by es_int8_isa, in every build (EDGESEG_ISA is parsed the same way on every CPU).
static const char *const isa_names[] = {"scalar", "avx2", "avx512vnni", "neon", "neondot"};
enum { isa_count = sizeof isa_names / sizeof isa_names[0] };

static const es_int8_kernel_table tables[] = {
    {
        .isa = ES_INT8_ISA_SCALAR,
        .name = "scalar",
        .gemm = es_qs8_qc8w_gemm_rndnu_scalar,
        .qk = es_qs8_qk_scalar,
        .pv = es_qu8_pv_scalar,
        .dwconv3x3 = es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar,
        .upsample_sum = es_qs8_upsample_sum_rndnu_scalar,
        .layernorm = es_qs8_layernorm_rndnu_scalar,
        .softmax_online = es_qs32_softmax_online_rndnu_lut,
        .gemm_packed_bytes = es_qs8_qc8w_gemm_plain_packed_bytes,
        .gemm_pack = es_qs8_qc8w_gemm_plain_pack,
        .gemm_packed = es_qs8_qc8w_gemm_packed_rndnu_scalar,
        .vadd = es_qs8_vadd_rndnu_scalar,
        .class_map = es_qs8_ibilinear_argmax_scalar,
        .attention_normalize = es_qs32_attention_normalize_rndnu_scalar,
        .lut = es_qs8_lut_scalar,
    },
#if defined(__x86_64__)
    {
        .isa = ES_INT8_ISA_AVX2,
        .name = "avx2",
        .gemm = es_qs8_qc8w_gemm_rndnu_avx2,
        .qk = es_qs8_qk_avx2,
        .pv = es_qu8_pv_avx2,
        .dwconv3x3 = es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_avx2,
        .upsample_sum = es_qs8_upsample_sum_rndnu_avx2,
        .layernorm = es_qs8_layernorm_rndnu_avx2,
        .softmax_online = es_qs32_softmax_online_rndnu_avx2,
        .gemm_packed_bytes = es_qs8_qc8w_gemm_avx2_packed_bytes,
        .gemm_pack = es_qs8_qc8w_gemm_avx2_pack,
        .gemm_packed = es_qs8_qc8w_gemm_packed_rndnu_avx2,
        .vadd = es_qs8_vadd_rndnu_avx2,
        .class_map = es_qs8_ibilinear_argmax_avx2,
        .attention_normalize = es_qs32_attention_normalize_rndnu_avx2,
        .lut = es_qs8_lut_avx2,
    },
    {
        .isa = ES_INT8_ISA_AVX512VNNI,
        .name = "avx512vnni",
        .gemm = es_qs8_qc8w_gemm_rndnu_avx512vnni,
        .qk = es_qs8_qk_avx512vnni,
        .pv = es_qu8_pv_avx512vnni,
        .dwconv3x3 = es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_avx512vnni,
        .upsample_sum = es_qs8_upsample_sum_rndnu_avx512,
        .layernorm = es_qs8_layernorm_rndnu_avx512,
        .softmax_online = es_qs32_softmax_online_rndnu_avx512,
        .gemm_packed_bytes = es_qs8_qc8w_gemm_avx512vnni_packed_bytes,
        .gemm_pack = es_qs8_qc8w_gemm_avx512vnni_pack,
        .gemm_packed = es_qs8_qc8w_gemm_packed_rndnu_avx512vnni,
        .vadd = es_qs8_vadd_rndnu_avx512,
        .class_map = es_qs8_ibilinear_argmax_avx512,
        .attention_normalize = es_qs32_attention_normalize_rndnu_avx512,
        .lut = es_qs8_lut_avx512vbmi,
    },
#endif
#if defined(__aarch64__)
    // Only the GEMM, Q·Kᵀ and P·V have byte sums along a row: SDOT adds nothing to the other ops, and neondot keeps
    // their NEON versions.
    {
        .isa = ES_INT8_ISA_NEON,
        .name = "neon",
        .gemm = es_qs8_qc8w_gemm_rndnu_neon,
        .qk = es_qs8_qk_neon,
        .pv = es_qu8_pv_neon,
        .dwconv3x3 = es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_neon,
        .upsample_sum = es_qs8_upsample_sum_rndnu_neon,
        .layernorm = es_qs8_layernorm_rndnu_neon,
        .softmax_online = es_qs32_softmax_online_rndnu_neon,
        .gemm_packed_bytes = es_qs8_qc8w_gemm_plain_packed_bytes,
        .gemm_pack = es_qs8_qc8w_gemm_plain_pack,
        .gemm_packed = es_qs8_qc8w_gemm_packed_rndnu_neon,
        .vadd = es_qs8_vadd_rndnu_neon,
        .class_map = es_qs8_ibilinear_argmax_neon,
        .attention_normalize = es_qs32_attention_normalize_rndnu_neon,
        .lut = es_qs8_lut_neon,
    },
    {
        .isa = ES_INT8_ISA_NEONDOT,
        .name = "neondot",
        .gemm = es_qs8_qc8w_gemm_rndnu_neondot,
        .qk = es_qs8_qk_neondot,
        .pv = es_qu8_pv_neondot,
        .dwconv3x3 = es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_neon,
        .upsample_sum = es_qs8_upsample_sum_rndnu_neon,
        .layernorm = es_qs8_layernorm_rndnu_neon,
        .softmax_online = es_qs32_softmax_online_rndnu_neon,
        .gemm_packed_bytes = es_qs8_qc8w_gemm_plain_packed_bytes,
        .gemm_pack = es_qs8_qc8w_gemm_plain_pack,
        .gemm_packed = es_qs8_qc8w_gemm_packed_rndnu_neondot,
        .vadd = es_qs8_vadd_rndnu_neon,
        .class_map = es_qs8_ibilinear_argmax_neon,
        .attention_normalize = es_qs32_attention_normalize_rndnu_neon,
        .lut = es_qs8_lut_neon,
    },
#endif
};
enum { table_count = sizeof tables / sizeof tables[0] };

static es_int8_isa best_supported(void) {
    es_int8_cpu_features f = es_int8_cpu_probe();
#if defined(__aarch64__)
    return f.neondot ? ES_INT8_ISA_NEONDOT : ES_INT8_ISA_NEON;
#else
    return f.avx512vnni ? ES_INT8_ISA_AVX512VNNI : f.avx2 ? ES_INT8_ISA_AVX2 : ES_INT8_ISA_SCALAR;
#endif
}

// This build's tables hold scalar and its own architecture's ISAs, each level above scalar needing the
// ones before it, so an ISA runs here if it has a table and is not above the best one.
const es_int8_kernel_table *es_int8_kernels_for_isa(es_int8_isa isa) {
    for (int i = 0; i < table_count; i++)
        if (tables[i].isa == isa) return isa > best_supported() ? NULL : &tables[i];
    return NULL;
}

static const es_int8_kernel_table *chosen;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

static void choose(void) {
    es_int8_isa best = best_supported(), isa = best;
    const char *requested = getenv("EDGESEG_ISA");
    if (requested && *requested) {
        int known = 0;
        for (int i = 0; i < isa_count && !known; i++) {
            if (strcmp(requested, isa_names[i]) == 0) {
                known = 1;
                isa = (es_int8_isa)i;
            }
        }
        if (!known) {
            isa = ES_INT8_ISA_SCALAR;
            char names[128] = "";
            for (int i = 0; i < isa_count; i++) {
                if (i) strcat(names, ", ");
                strcat(names, isa_names[i]);
            }
            fprintf(stderr, "edgeseg: EDGESEG_ISA=%s is not one of %s; using scalar\n", requested, names);
        } else if (!es_int8_kernels_for_isa(isa)) {
            fprintf(stderr, "edgeseg: EDGESEG_ISA=%s: this CPU or build lacks it; using %s\n", requested,
                    es_int8_kernels_for_isa(best)->name);
            isa = best;
        }
    }
    chosen = es_int8_kernels_for_isa(isa);
}

const es_int8_kernel_table *es_int8_kernels(void) {
    pthread_once(&chosen_once, choose);
    return chosen;
}

const char *es_int8_isa_name(void) { return es_int8_kernels()->name; }
