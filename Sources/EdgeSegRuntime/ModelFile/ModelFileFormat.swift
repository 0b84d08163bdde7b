// The `.edgeseg` model file, format version 1. Everything is little-endian. Sections, in this order:
//
//   header    88 bytes at offset 0
//   metadata  UTF-8 JSON text of one object (whatever the writer put there: config, class names, scales)
//   table     one entry per tensor, starting 8-aligned
//   data      the tensors' bytes, starting 64-aligned; the file ends where the data section ends
//
// Header:
//   0  magic           8 bytes "EDGESEG\0"
//   8  version         u32  1 (a reader refuses versions it does not know)
//  12  checksum        u32  CRC-32C (Castagnoli) of every byte from offset 16 to the end of the file
//  16  kind            u32  ModelKind: 1 = float32 model, 2 = int8 model
//  20  header size     u32  88; metadata starts at or after it
//  24  file length     u64
//  32  metadata offset u64,  40 metadata length u64
//  48  table offset    u64,  56 table length u64,  64 tensor count u64
//  72  data offset     u64,  80 data length u64
//
// Table entry (entries follow each other; each is a multiple of 8 bytes long):
//   0  data offset  u64  relative to the data section, a multiple of 64
//   8  byte length  u64  element count (product of the shape; 1 for rank 0) × dtype size
//  16  name length  u32  bytes of UTF-8, not zero
//  20  rank         u32
//  24  dtype        u32  TensorDType: 1 i8, 2 u8, 3 i16, 4 i32, 5 i64, 6 f32
//  28  padding      u32  written as 0
//  32  shape        rank × u64
//      name         name length bytes, then zeros up to a multiple of 8
//
// Tensor names are unique, tensors do not overlap and lie inside the data section. Since a mapping starts
// on a page boundary, 64-aligned offsets make every tensor 64-byte aligned in memory: SIMD kernels read
// the weights in place. The version sits before the checksum so that a reader can refuse a version whose
// checksum it may not know how to compute. Gaps between sections are allowed (and checksummed), the
// writer leaves only alignment padding, all zeros.

/// What a model file holds, so a float runtime is never handed int8 weights and vice versa.
public enum ModelKind: UInt32, Sendable {
    case float32 = 1
    case int8 = 2

    /// For messages: "a float32 model".
    public var name: String {
        switch self {
        case .float32: "float32"
        case .int8: "int8"
        }
    }
}

/// Offsets and constants of the layout above, shared by the reader and the writer.
enum ModelFileLayout {
    static let magic: [UInt8] = Array("EDGESEG\0".utf8)
    static let version: UInt32 = 1
    static let headerSize = 88
    static let tensorAlignment = 64
    static let tableAlignment = 8
    /// The checksum covers the bytes from here to the end of the file.
    static let checksummedFrom = 16
    static let tableEntryFixedSize = 32

    // Byte offsets of the header fields.
    static let versionField = 8
    static let checksumField = 12
    static let kindField = 16
    static let headerSizeField = 20
    static let fileLengthField = 24
    static let metadataOffsetField = 32
    static let metadataLengthField = 40
    static let tableOffsetField = 48
    static let tableLengthField = 56
    static let tensorCountField = 64
    static let dataOffsetField = 72
    static let dataLengthField = 80

    static func align(_ offset: Int, to alignment: Int) -> Int { (offset + alignment - 1) / alignment * alignment }
}

#if _endian(big)
#error("`.edgeseg` tensors are little-endian and used in place: EdgeSeg supports little-endian hosts only")
#endif
