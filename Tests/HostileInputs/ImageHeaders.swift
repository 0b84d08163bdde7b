/// Images whose headers say what a test or a fuzzer wants: a valid PNG of any size that is small on disk, and
/// real files with their declared size changed (chunk CRCs recomputed), so a decoder sees a well-formed header
/// with a hostile size rather than a corrupt file.
public enum ImageHeaders {
    /// A valid 1-bit grayscale PNG of `width`x`height` black pixels: its zlib stream is a run of fixed-Huffman
    /// (length 258, distance 1) copies, 13 bits per 258 zero bytes, so 20000x20000 is about 300 KB.
    public static func blackPNG(width: Int, height: Int) -> [UInt8] {
        let raw = height * (1 + (width + 7) / 8)   // each row: filter byte 0, then packed pixels, all zero
        var bits = BitWriter()
        bits.write(0b1, count: 1)        // BFINAL
        bits.write(0b01, count: 2)       // BTYPE 01: fixed Huffman
        bits.writeHuffman(0b0011_0000, count: 8)   // literal 0
        var left = raw - 1
        while left >= 3 {
            let run = min(258, left)
            bits.writeLength(run)
            bits.writeHuffman(0, count: 5)           // distance code 0: distance 1
            left -= run
        }
        for _ in 0..<left { bits.writeHuffman(0b0011_0000, count: 8) }
        bits.writeHuffman(0, count: 7)               // end of block (256)
        var zlib: [UInt8] = [0x78, 0x01] + bits.bytes
        let adler = (UInt32(raw % 65521) << 16) | 1  // Adler-32 of zeros: s1 = 1, s2 = n mod 65521
        zlib += bigEndian(adler)
        var ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        ihdr += [1, 0, 0, 0, 0]                      // bit depth 1, gray, deflate, filter 0, no interlace
        return pngSignature + chunk("IHDR", ihdr) + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    /// `png` with its IHDR width and height replaced and the chunk's CRC recomputed; nil if it has no IHDR.
    public static func settingPNGSize(_ png: [UInt8], width: UInt32, height: UInt32) -> [UInt8]? {
        guard png.count >= 33, Array(png[12..<16]) == Array("IHDR".utf8) else { return nil }
        var out = png
        out.replaceSubrange(16..<24, with: bigEndian(width) + bigEndian(height))
        out.replaceSubrange(29..<33, with: bigEndian(crc32(Array(out[12..<29]))))
        return out
    }

    /// `jpeg` with the size in its first start-of-frame segment replaced; nil if it has none.
    public static func settingJPEGSize(_ jpeg: [UInt8], width: UInt16, height: UInt16) -> [UInt8]? {
        var i = 2
        while i + 9 < jpeg.count {
            guard jpeg[i] == 0xFF else { return nil }
            let marker = jpeg[i + 1], length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            if (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
                var out = jpeg
                out.replaceSubrange((i + 5)..<(i + 9), with: [UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF)])
                return out
            }
            i += 2 + length
        }
        return nil
    }

    /// Recomputes the CRC of every chunk of a (possibly mutated) PNG whose chunk lengths still fit, so the
    /// mutation reaches the decoder instead of its CRC check.
    public static func fixPNGChunkCRCs(_ png: inout [UInt8]) {
        var i = 8
        while i + 12 <= png.count {
            let length = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
            guard length <= png.count - i - 12 else { return }
            png.replaceSubrange((i + 8 + length)..<(i + 12 + length), with: bigEndian(crc32(Array(png[(i + 4)..<(i + 8 + length)]))))
            i += 12 + length
        }
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    /// CRC-32 (ISO-HDLC, PNG's), bit by bit: test data only.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// Deflate's bit order: fields least-significant bit first, Huffman codes most-significant bit first.
private struct BitWriter {
    var bytes: [UInt8] = []
    private var used = 8

    mutating func write(_ value: UInt32, count: Int) {
        for i in 0..<count { put(Int(value >> UInt32(i)) & 1) }
    }

    mutating func writeHuffman(_ code: UInt32, count: Int) {
        for i in stride(from: count - 1, through: 0, by: -1) { put(Int(code >> UInt32(i)) & 1) }
    }

    /// A match length 3...258 as its fixed-Huffman length code and extra bits.
    mutating func writeLength(_ length: Int) {
        let bases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        let extra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        let i = bases.lastIndex { $0 <= length }!
        let symbol = 257 + i
        // Symbols 256...279: 7-bit codes from 0; 280...287: 8-bit codes from 0b11000000.
        if symbol <= 279 { writeHuffman(UInt32(symbol - 256), count: 7) } else { writeHuffman(UInt32(0b1100_0000 + symbol - 280), count: 8) }
        write(UInt32(length - bases[i]), count: extra[i])
    }

    private mutating func put(_ bit: Int) {
        if used == 8 {
            bytes.append(0)
            used = 0
        }
        bytes[bytes.count - 1] |= UInt8(bit << used)
        used += 1
    }
}
