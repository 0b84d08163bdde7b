import CEdgeSeg

/// The GEMM weights of every linear layer, packed once at model load in the layout of this process's kernel
/// table (bias, zero-point correction and requantization folded in: es_int8_dispatch.h). Owns the buffers; the
/// layers point into them for the model's life.
final class Int8PackedWeights {
    let kernels = Int8Kernels.chosen
    private var buffers: [UnsafeMutableRawPointer] = []

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Weights [n][k] with their bias, the input's zero point and per-channel requantization, packed.
    func pack(n: Int, k: Int, weight: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?, inputZeroPoint: Int32,
              requant: UnsafePointer<es_requant>) -> UnsafeRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(1, kernels.gemmPackedBytes(n, k)), alignment: 64)
        kernels.gemmPack(n, k, weight, bias, inputZeroPoint, requant, buffer)
        buffers.append(buffer)
        return UnsafeRawPointer(buffer)
    }
}
