/// The int8 logits of one or more runs as raw bytes, so two runs (x86 and a Pi, two ISAs, two builds) can be
/// compared with `cmp`. A file is a sequence of records, one per image in the order segmented; each record is
/// a 28-byte little-endian header and the logits as they are in memory:
///
///     "ESLG"  u32 height  u32 width  u32 channels  f64 scale  i32 zero point  |  height·width·channels int8 (HWC)
///
/// Real logit value = scale · (q − zero point).
public struct LogitsRecord: Sendable {
    public var logits: Int8Map
    public var scale: Double

    public init(logits: Int8Map, scale: Double) {
        self.logits = logits
        self.scale = scale
    }

    static let magic: [UInt8] = [0x45, 0x53, 0x4C, 0x47]  // "ESLG"
    static let headerSize = 28

    /// The record's bytes: header, then the int8 values.
    public var encoded: [UInt8] {
        var bytes = LogitsRecord.magic
        bytes.reserveCapacity(LogitsRecord.headerSize + logits.data.count)
        for v in [UInt32(logits.height), UInt32(logits.width), UInt32(logits.channels)] { appendLittleEndian(v, to: &bytes) }
        appendLittleEndian(scale.bitPattern, to: &bytes)
        appendLittleEndian(UInt32(bitPattern: logits.zeroPoint), to: &bytes)
        for q in logits.data { bytes.append(UInt8(bitPattern: q)) }
        return bytes
    }

    /// Splits a logits file's bytes into its records; `source` (a path) is named in errors.
    public static func decode(_ bytes: [UInt8], source: String) throws(EdgeSegError) -> [LogitsRecord] {
        var records: [LogitsRecord] = []
        var at = 0
        while at < bytes.count {
            guard bytes.count - at >= headerSize, Array(bytes[at..<(at + 4)]) == magic else {
                throw EdgeSegError(.io, "\(source): record \(records.count + 1) at byte \(at) has no ESLG logits header")
            }
            let height = Int(readLittleEndian(bytes, at + 4, as: UInt32.self))
            let width = Int(readLittleEndian(bytes, at + 8, as: UInt32.self))
            let channels = Int(readLittleEndian(bytes, at + 12, as: UInt32.self))
            let scale = Double(bitPattern: readLittleEndian(bytes, at + 16, as: UInt64.self))
            let zeroPoint = Int32(bitPattern: readLittleEndian(bytes, at + 24, as: UInt32.self))
            let count = height * width * channels
            guard bytes.count - at - headerSize >= count else {
                throw EdgeSegError(.io, "\(source): record \(records.count + 1) is cut short: \(height)x\(width)x\(channels) needs \(count) bytes, \(bytes.count - at - headerSize) remain")
            }
            var map = Int8Map(height: height, width: width, channels: channels, zeroPoint: zeroPoint)
            let start = at + headerSize
            for i in 0..<count { map.data[i] = Int8(bitPattern: bytes[start + i]) }
            records.append(LogitsRecord(logits: map, scale: scale))
            at = start + count
        }
        return records
    }
}

private func appendLittleEndian<T: FixedWidthInteger & UnsignedInteger>(_ value: T, to bytes: inout [UInt8]) {
    for i in 0..<(T.bitWidth / 8) { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
}

private func readLittleEndian<T: FixedWidthInteger & UnsignedInteger>(_ bytes: [UInt8], _ at: Int, as: T.Type) -> T {
    var value: T = 0
    for i in 0..<(T.bitWidth / 8) { value |= T(bytes[at + i]) << (8 * i) }
    return value
}

extension SegFormerModel {
    /// This model's logits (from `forward` or a session) with their scale from the model file, for a logits file.
    public func logitsRecord(_ logits: Int8Map) -> LogitsRecord {
        // ModelFileReader refuses a model without parameters for every activation point, logits included.
        LogitsRecord(logits: logits, scale: activations[ActivationPoint.logits]!.scale)
    }
}
