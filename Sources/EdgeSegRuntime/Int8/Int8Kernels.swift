import CEdgeSeg

/// The int8 kernels this process runs (the C table chosen once for the CPU, or EDGESEG_ISA's choice: see
/// es_int8_dispatch.h), as non-optional Swift functions: every entry is checked once here, so no call site
/// unwraps one.
struct Int8Kernels {
    /// The C table itself, for the C drivers that take it (the convolution's GEMM tiles).
    let table: UnsafePointer<es_int8_kernel_table>
    let gemmPackedBytes: es_qs8_qc8w_gemm_packed_bytes_fn
    let gemmPack: es_qs8_qc8w_gemm_pack_fn
    let gemmPacked: es_qs8_qc8w_gemm_packed_fn
    let qk: es_qs8_qk_fn
    let pv: es_qu8_pv_fn
    let softmaxOnline: es_qs32_softmax_online_fn
    let attentionNormalize: es_qs32_attention_normalize_fn
    let dwconv3x3: es_qs8_qc8w_dwconv3x3p1_fn
    let layerNorm: es_qs8_layernorm_fn
    let lookup: es_qs8_lut_fn
    let add: es_qs8_vadd_fn
    let upsampleSum: es_qs8_upsample_sum_fn
    let classMap: es_qs8_ibilinear_argmax_fn

    /// The process's table (es_int8_kernels picks it once; this only wraps it).
    static var chosen: Int8Kernels { Int8Kernels(es_int8_kernels()) }

    init(_ table: UnsafePointer<es_int8_kernel_table>) {
        let t = table.pointee
        guard let gemmPackedBytes = t.gemm_packed_bytes, let gemmPack = t.gemm_pack, let gemmPacked = t.gemm_packed,
              let qk = t.qk, let pv = t.pv, let softmaxOnline = t.softmax_online, let attentionNormalize = t.attention_normalize,
              let dwconv3x3 = t.dwconv3x3, let layerNorm = t.layernorm, let lookup = t.lut, let add = t.vadd,
              let upsampleSum = t.upsample_sum, let classMap = t.class_map, t.gemm != nil else {
            fatalError("the \(String(cString: t.name)) int8 kernel table has an empty entry (int8-dispatch.c)")
        }
        self.table = table
        (self.gemmPackedBytes, self.gemmPack, self.gemmPacked) = (gemmPackedBytes, gemmPack, gemmPacked)
        (self.qk, self.pv, self.softmaxOnline, self.attentionNormalize) = (qk, pv, softmaxOnline, attentionNormalize)
        (self.dwconv3x3, self.layerNorm, self.lookup, self.add) = (dwconv3x3, layerNorm, lookup, add)
        (self.upsampleSum, self.classMap) = (upsampleSum, classMap)
    }
}

/// The instruction set the int8 kernels run on in this process: "scalar", "avx2", "avx512vnni", "neon" or
/// "neondot" (the best this CPU has, or EDGESEG_ISA's choice; see es_int8_dispatch.h).
public var int8KernelISA: String { String(cString: es_int8_isa_name()) }
