/// The integers a hostile file puts where a count, a size, a multiplier or a shift belongs: the edges of every
/// integer type a reader might compute in, and values just past the limits the runtime documents.
public enum HostileValues {
    public static let integers: [Int64] = [
        0, -1, 1, 2, 3, 7, 31, 32, 33, 62, 63, 64, -64, 255, 256, 4096, 4097, 32768, 32769, 65535, 65536,
        1 << 30, (1 << 31) - 1, 1 << 31, -(1 << 31), 1 << 32, 1 << 53, 1 << 61, 1 << 62, Int64.max, Int64.min,
    ]

    /// One of `integers`, chosen by `seed`.
    public static func integer(_ seed: UInt64) -> Int64 { integers[Int(seed % UInt64(integers.count))] }
}
