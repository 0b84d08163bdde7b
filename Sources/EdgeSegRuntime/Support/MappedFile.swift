import CEdgeSeg

/// A whole file mapped read-only (mmap): tensors are read in place, never copied.
public final class MappedFile {
    public let path: String
    public let bytes: UnsafeRawBufferPointer

    public init(path: String) throws(EdgeSegError) {
        var size = 0
        var errNo: Int32 = 0
        guard let base = es_file_map(path, &size, &errNo) else {
            throw EdgeSegError(.io, "\(path): cannot open: \(String(cString: es_strerror(errNo)))")
        }
        self.path = path
        self.bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            es_file_unmap(base.assumingMemoryBound(to: UInt8.self), bytes.count)
        }
    }

    public var count: Int { bytes.count }
}

/// Writes `bytes` to `path` atomically (temp file + rename), so a reader never sees half a file.
public func writeFileAtomically(_ path: String, _ bytes: UnsafeRawBufferPointer) throws(EdgeSegError) {
    let rc = es_file_write_atomic(path, bytes.baseAddress, bytes.count)
    if rc != 0 {
        throw EdgeSegError(.io, "\(path): cannot write: \(String(cString: es_strerror(rc)))")
    }
}

public func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws(EdgeSegError) {
    let rc = bytes.withUnsafeBytes { es_file_write_atomic(path, $0.baseAddress, $0.count) }
    if rc != 0 {
        throw EdgeSegError(.io, "\(path): cannot write: \(String(cString: es_strerror(rc)))")
    }
}
