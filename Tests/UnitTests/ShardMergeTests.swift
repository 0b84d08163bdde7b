import EdgeSegQuantize
import EdgeSegRuntime
import EdgeSegShards
import Foundation
import TestSupport
import Testing

/// Sharded calibration and evaluation without a model: histograms of any split merge exactly, and part files
/// that do not belong together (or are damaged) are refused with an error that says why.
@Suite struct ShardMergeTests {
    static let values: [Float] = {
        var r = CalibrationMethodTests.Samples(state: 3)
        var v: [Float] = []
        for i in 0..<60_000 {
            let spread = Double(1 + i % 7), shift: Double = i % 11 == 0 ? 30 : 0
            v.append(Float(r.gaussian() * spread + shift))
        }
        v += [.nan, -200, 1e-30, .infinity]
        return v
    }()

    @Test func histogramsOfAnySplitMergeToTheHistogramOfAll() {
        let batch = 1000
        let whole = CalibrationMethodTests.histogram(Self.values, bins: 512, batch: batch)
        for shards in [2, 3, 7] {
            // Shard k gets every shards-th batch, as sharded calibration deals out images.
            var parts = [StreamingHistogram](repeating: StreamingHistogram(binCount: 512), count: shards)
            for (b, start) in stride(from: 0, to: Self.values.count, by: batch).enumerated() {
                parts[b % shards].observe(Array(Self.values[start..<min(start + batch, Self.values.count)]))
            }
            #expect(parts[0] != whole)
            for order in [Array(0..<shards), Array((0..<shards).reversed())] {
                var merged = StreamingHistogram(binCount: 512)
                for k in order { merged.merge(parts[k]) }
                #expect(merged == whole, "\(shards) shards merged in order \(order)")
            }
        }
        // One value at a time, last first: the grid does not depend on the order either.
        var reversed = StreamingHistogram(binCount: 512)
        for v in Self.values.reversed() { reversed.observe([v]) }
        #expect(reversed == whole)
    }

    @Test func theGridIsPowerOfTwoBinsFromTheMinimumsBin() throws {
        let h = CalibrationMethodTests.histogram(Self.values, bins: 512)
        #expect(h.binWidth == Double(sign: .plus, exponent: h.exponent, significand: 1))
        #expect(h.lowerEdge <= Double(h.minimum) && Double(h.minimum) < h.lowerEdge + h.binWidth)
        #expect(h.upperEdge > Double(h.maximum))
        // The smallest such exponent: the data spans more than half the bins.
        #expect(h.occupiedCounts.count > 256)
        #expect(h.count == 60_002 && h.nonFiniteCount == 2)
        // What a part file stores reads back equal; a histogram whose grid is not its range's is refused.
        let stored = try StreamingHistogram(binCount: 512, exponent: h.exponent, firstBin: h.firstBin, occupied: h.occupiedCounts,
                                            minimum: h.minimum, maximum: h.maximum, count: h.count, nonFiniteCount: h.nonFiniteCount)
        #expect(stored == h)
        #expect(throws: EdgeSegError.self) {
            try StreamingHistogram(binCount: 512, exponent: h.exponent + 1, firstBin: h.firstBin, occupied: h.occupiedCounts,
                                   minimum: h.minimum, maximum: h.maximum, count: h.count, nonFiniteCount: 0)
        }
        #expect(throws: EdgeSegError.self) {
            try StreamingHistogram(binCount: 512, exponent: h.exponent, firstBin: h.firstBin, occupied: h.occupiedCounts,
                                   minimum: h.minimum, maximum: h.maximum, count: h.count + 1, nonFiniteCount: 0)
        }
    }

    @Test func shardsCountFromZero() throws {
        let s = try Shard(parsing: "2/4")
        #expect(s.index == 2 && s.count == 4 && s.positions(of: 11) == [2, 6, 10])
        #expect((0..<4).map { try! Shard(index: $0, count: 4).positions(of: 11) }.flatMap { $0 }.sorted() == Array(0..<11))
        for bad in ["4/4", "-1/4", "1/0", "1", "a/b", "1/2/3"] {
            #expect(throws: EdgeSegError.self, "\(bad)") { try Shard(parsing: bad) }
        }
    }

    static let names = (0..<10).map { "frame\($0).png" }

    /// Shard k of n of a ten-image job, with a synthetic result.
    static func part(_ k: Int, of n: Int, weightsCRC: UInt32 = 0x1234, options: JSONValue = .object([JSONMember(key: "bins", value: .int(2048))]),
                     job: String = "calibrate") throws -> ShardPart {
        let shard = try Shard(index: k, count: n)
        return ShardPart(job: job, command: ["edgeseg", job, "--shard", "\(shard)"], shard: shard,
                         models: [ModelIdentity(role: "float", path: "/models/m", files: [.init(name: "model.safetensors", bytes: 100, crc32c: weightsCRC)])],
                         options: options, inputs: ShardPart.Inputs(folder: "/data", names: names),
                         images: shard.positions(of: 10).map { ShardPart.Image(position: $0, name: names[$0], size: ImageSize(width: 4, height: 3)) },
                         result: .object([JSONMember(key: "sum", value: .double(0.1 * Double(k)))]))
    }

    static func write(_ parts: [ShardPart], to dir: String) throws -> [String] {
        try parts.enumerated().map { i, part in
            let path = "\(dir)/part-\(i).json"
            try part.write(to: path)
            return path
        }
    }

    /// The merge's error message, or "merged".
    static func mergeError(_ paths: [String], job: String = "calibrate") -> String {
        do {
            _ = try ShardSet(paths: paths, job: job)
            return "merged"
        } catch {
            return error.message
        }
    }

    @Test func aCompleteSetMergesInShardOrderWhateverTheOrderGiven() throws {
        let dir = SharedAssets.scratchDirectory()
        let paths = try Self.write([Self.part(2, of: 3), Self.part(0, of: 3), Self.part(1, of: 3)], to: dir)
        let set = try ShardSet(paths: paths, job: "calibrate")
        #expect(set.parts.map(\.shard.index) == [0, 1, 2])
        #expect(set.paths == [paths[1], paths[2], paths[0]])
        #expect(set.images.map(\.name) == Self.names)
        #expect(set.parts[2].result == .object([JSONMember(key: "sum", value: .double(0.2))]))
        #expect(set.parts[1].command == ["edgeseg", "calibrate", "--shard", "1/3"])
        #expect(set.parts[0].models[0].files[0].crc32c == 0x1234)
    }

    @Test func badMergesSayWhatIsWrong() throws {
        let dir = SharedAssets.scratchDirectory()
        let good = try (0..<3).map { k in try Self.part(k, of: 3) }
        func check(_ parts: [ShardPart], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let sub = dir + "/\(UUID().uuidString.prefix(6))"
            try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
            let message = Self.mergeError(try Self.write(parts, to: sub))
            #expect(message.contains(expected), "\(message)", sourceLocation: sourceLocation)
        }
        try check([good[0], good[2]], "shard 1/3 missing")
        try check([good[0], good[1]], "shard 2/3 missing")
        try check([good[0], good[1], good[1], good[2]], "shard 1/3 is given twice")
        try check([good[0], good[1], try Self.part(2, of: 3, weightsCRC: 0x9999)], "another model: model.safetensors of the float model: 100 bytes, CRC-32C 00001234 against 100 bytes, CRC-32C 00009999")
        try check([good[0], good[1], try Self.part(2, of: 3, options: .object([JSONMember(key: "bins", value: .int(1024))]))],
                  #"other options: {"bins":1024} against {"bins":2048}"#)
        try check([good[0], good[1], try Self.part(1, of: 2)], "it is shard 1/2 of 2 shards")
        var shortPart = good[2]
        shortPart.images.removeLast()
        try check([good[0], good[1], shortPart], "shard 2/3 of 10 images must hold images [2, 5, 8], it holds [2, 5]")
        try check([good[0], good[1], try Self.part(2, of: 3, job: "eval")], "a part of `edgeseg eval --shard`, not of `edgeseg calibrate`")
        #expect(Self.mergeError([]) == "no part files to merge")
    }

    @Test func aTruncatedOrChangedPartIsRefused() throws {
        let dir = SharedAssets.scratchDirectory()
        let paths = try Self.write(try (0..<2).map { k in try Self.part(k, of: 2) }, to: dir)
        let text = try String(contentsOfFile: paths[1], encoding: .utf8)

        try String(text.prefix(text.count / 2)).write(toFile: paths[1], atomically: true, encoding: .utf8)
        let truncated = Self.mergeError(paths)
        #expect(truncated.hasPrefix(paths[1]) && truncated.contains("cut short"), "\(truncated)")

        // Still valid JSON, but not what was written: an image renamed.
        try text.replacingOccurrences(of: "frame3.png", with: "frame8.png").write(toFile: paths[1], atomically: true, encoding: .utf8)
        let changed = Self.mergeError(paths)
        #expect(changed.hasPrefix(paths[1]) && changed.contains("damaged: the content's CRC-32C is"), "\(changed)")

        try text.replacingOccurrences(of: "\"version\":1", with: "\"version\":7").write(toFile: paths[1], atomically: true, encoding: .utf8)
        #expect(Self.mergeError(paths).contains("part file version 7; this edgeseg reads version 1"))

        try text.write(toFile: paths[1], atomically: true, encoding: .utf8)
        #expect(Self.mergeError(paths) == "merged")
    }
}
