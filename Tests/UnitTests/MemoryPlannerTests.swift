import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The arena planner on synthetic lifetimes, and on the int8 SegFormer's buffers.
@Suite struct MemoryPlannerTests {
    /// Plans, checks the plan with `verify`, and checks it needs at least the lower bound.
    static func planned(_ requests: [BufferRequest], sourceLocation: SourceLocation = #_sourceLocation) throws -> ArenaPlan {
        let plan = try planArena(requests)
        try verify(plan, requests)
        #expect(plan.arenaBytes >= lowerBound(requests), sourceLocation: sourceLocation)
        return plan
    }

    /// `verify` rejects `plan`.
    static func expectRejected(_ plan: ArenaPlan, _ requests: [BufferRequest], _ what: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: EdgeSegError.self, "\(what)", sourceLocation: sourceLocation) { try verify(plan, requests) }
    }

    /// n buffers live at random steps in 0..<steps; some elementwise outputs may alias an input whose last use is
    /// their first step.
    static func randomRequests(_ rng: inout SeededGenerator, count n: Int, steps: Int, sizes: ClosedRange<Int>,
                               alignments: [Int]) -> [BufferRequest] {
        var requests: [BufferRequest] = []
        for _ in 0..<n {
            let first = Int.random(in: 0..<steps, using: &rng)
            let last = min(steps - 1, first + Int.random(in: 0...8, using: &rng))
            var r = BufferRequest(size: Int.random(in: sizes, using: &rng), firstUse: first, lastUse: last,
                                  alignment: alignments.randomElement(using: &rng)!)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                r.aliasOf = requests.indices.filter { requests[$0].lastUse == first }.randomElement(using: &rng)
            }
            requests.append(r)
        }
        return requests
    }

    /// Buffer i written at step i and read at step i + 1.
    @Test func chainNeedsTheLargestNeighbourPair() throws {
        let sizes = [640, 6400, 128, 3200, 3200, 64, 12800, 640]
        let requests = sizes.enumerated().map { BufferRequest(size: $0.element, firstUse: $0.offset, lastUse: $0.offset + 1) }
        let plan = try Self.planned(requests)
        let pairs = zip(sizes, sizes.dropFirst()).map { $0 + $1 }
        #expect(lowerBound(requests) == pairs.max())
        #expect(plan.arenaBytes == pairs.max())
    }

    /// a → (b, c) → d: b and c live together with a's last read, d only after them.
    @Test func diamondPlacesBothBranchesApart() throws {
        let requests = [
            BufferRequest(size: 1024, firstUse: 0, lastUse: 2),   // a, read by b (step 1) and c (step 2)
            BufferRequest(size: 512, firstUse: 1, lastUse: 3),    // b
            BufferRequest(size: 2048, firstUse: 2, lastUse: 3),   // c
            BufferRequest(size: 4096, firstUse: 3, lastUse: 4),   // d = f(b, c)
        ]
        let plan = try Self.planned(requests)
        #expect(lowerBound(requests) == 512 + 2048 + 4096)
        #expect(plan.arenaBytes == lowerBound(requests))
    }

    @Test func allOverlappingBuffersAreStacked() throws {
        let sizes = [100, 7, 4096, 64, 1, 300]
        let requests = sizes.map { BufferRequest(size: $0, firstUse: 2, lastUse: 5) }
        let plan = try Self.planned(requests)
        #expect(lowerBound(requests) == sizes.reduce(0, +))
        // Largest first, each rounded up to 64 bytes before the next.
        #expect(plan.arenaBytes == 4096 + 320 + 128 + 64 + 64 + 1)
        #expect(Set(plan.offsets).count == sizes.count)
    }

    @Test func disjointBuffersShareOffsetZero() throws {
        let requests = (0..<10).map { BufferRequest(size: 100 * ($0 + 1), firstUse: $0, lastUse: $0) }
        let plan = try Self.planned(requests)
        #expect(plan.offsets == [Int](repeating: 0, count: 10))
        #expect(plan.arenaBytes == 1000)
        #expect(lowerBound(requests) == 1000)
    }

    @Test func emptyAndZeroSizedRequests() throws {
        #expect(try planArena([]) == ArenaPlan(offsets: [], arenaBytes: 0))
        #expect(lowerBound([]) == 0)
        let requests = [BufferRequest(size: 0, firstUse: 0, lastUse: 3), BufferRequest(size: 64, firstUse: 1, lastUse: 2)]
        #expect(try Self.planned(requests).arenaBytes == 64)
    }

    @Test func offsetsHonourEachAlignment() throws {
        // Live together, 256-aligned: the second starts at 256 whatever the order.
        let a = [BufferRequest(size: 10, firstUse: 0, lastUse: 1, alignment: 256),
                 BufferRequest(size: 10, firstUse: 1, lastUse: 2, alignment: 256)]
        #expect(try Self.planned(a).arenaBytes == 266)
        let pages = (0..<3).map { _ in BufferRequest(size: 1, firstUse: 0, lastUse: 0, alignment: 4096) }
        #expect(try Self.planned(pages).arenaBytes == 2 * 4096 + 1)
        // A 1-aligned buffer packs right after a 256-aligned one, not at the next multiple of 256.
        let b = [BufferRequest(size: 10, firstUse: 0, lastUse: 1, alignment: 256),
                 BufferRequest(size: 3, firstUse: 0, lastUse: 1, alignment: 1)]
        #expect(try Self.planned(b).arenaBytes == 13)
        // Odd sizes, 64-byte default: padding only where a buffer follows another.
        let c = [BufferRequest(size: 65, firstUse: 0, lastUse: 0), BufferRequest(size: 65, firstUse: 0, lastUse: 0)]
        #expect(try Self.planned(c).arenaBytes == 128 + 65)
    }

    @Test func invalidRequestsAreRefused() {
        let bad: [(BufferRequest, String)] = [
            (BufferRequest(size: -1, firstUse: 0, lastUse: 0), "negative size"),
            (BufferRequest(size: 8, firstUse: 3, lastUse: 2), "lastUse before firstUse"),
            (BufferRequest(size: 8, firstUse: 0, lastUse: 0, alignment: 0), "alignment 0"),
            (BufferRequest(size: 8, firstUse: 0, lastUse: 0, alignment: 48), "alignment not a power of two"),
            (BufferRequest(size: 8, firstUse: 1, lastUse: 1, aliasOf: 5), "alias out of range"),
            (BufferRequest(size: 8, firstUse: 1, lastUse: 1, aliasOf: 1), "alias of itself"),
        ]
        for (request, what) in bad {
            let requests = [BufferRequest(size: 8, firstUse: 0, lastUse: 1), request]
            #expect(throws: EdgeSegError.self, "\(what)") { try planArena(requests) }
            #expect(throws: EdgeSegError.self, "\(what)") { try verify(ArenaPlan(offsets: [0, 64], arenaBytes: 128), requests) }
        }
    }

    /// A residual stream updated in place: each add writes over the input it reads last; the chain is one block.
    @Test func grantedAliasesShareTheirInputsOffset() throws {
        let requests = [
            BufferRequest(size: 4096, firstUse: 0, lastUse: 2),               // x
            BufferRequest(size: 4096, firstUse: 1, lastUse: 2),               // f(x)
            BufferRequest(size: 4096, firstUse: 2, lastUse: 4, aliasOf: 0),   // x + f(x), over x
            BufferRequest(size: 4096, firstUse: 3, lastUse: 4),               // g(x)
            BufferRequest(size: 2048, firstUse: 4, lastUse: 5, aliasOf: 2),   // smaller, over the previous sum
        ]
        let plan = try Self.planned(requests)
        #expect(plan.offsets[2] == plan.offsets[0])
        #expect(plan.offsets[4] == plan.offsets[0])
        #expect(lowerBound(requests) == 2 * 4096)
        #expect(plan.arenaBytes == 2 * 4096)
        // Without the aliases the adds need a third block.
        let separate = requests.map { BufferRequest(size: $0.size, firstUse: $0.firstUse, lastUse: $0.lastUse) }
        #expect(lowerBound(separate) == 3 * 4096)
        #expect(try Self.planned(separate).arenaBytes == 3 * 4096)
    }

    @Test func aliasesAreDeclinedWhereTheyWouldClobber() throws {
        let cases: [([BufferRequest], String)] = [
            ([BufferRequest(size: 64, firstUse: 0, lastUse: 3),
              BufferRequest(size: 64, firstUse: 2, lastUse: 4, aliasOf: 0)], "input still read after the output's step"),
            ([BufferRequest(size: 64, firstUse: 0, lastUse: 2),
              BufferRequest(size: 128, firstUse: 2, lastUse: 4, aliasOf: 0)], "output larger than the input"),
            ([BufferRequest(size: 64, firstUse: 2, lastUse: 2),
              BufferRequest(size: 64, firstUse: 2, lastUse: 4, aliasOf: 0)], "input made and consumed by the same op"),
        ]
        for (requests, what) in cases {
            let plan = try Self.planned(requests)
            #expect(plan.offsets[0] != plan.offsets[1], "\(what)")
            // Forcing the alias anyway is caught.
            Self.expectRejected(ArenaPlan(offsets: [0, 0], arenaBytes: 128), requests, what)
        }
        // Two outputs over one input: only the first gets it.
        let twice = [BufferRequest(size: 64, firstUse: 0, lastUse: 2),
                     BufferRequest(size: 64, firstUse: 2, lastUse: 3, aliasOf: 0),
                     BufferRequest(size: 64, firstUse: 2, lastUse: 3, aliasOf: 0)]
        let plan = try Self.planned(twice)
        #expect(plan.offsets[1] == plan.offsets[0] && plan.offsets[2] != plan.offsets[0])
        Self.expectRejected(ArenaPlan(offsets: [0, 0, 0], arenaBytes: 64), twice, "two outputs over one input")
    }

    /// Wild sets (tiny sizes, odd alignments, aliases): every plan verifies, and every way of breaking it is caught.
    @Test func randomPlansVerifyAndBrokenOnesDoNot() throws {
        var rng = SeededGenerator(seed: 0x9A7E)
        for round in 0..<300 {
            let requests = Self.randomRequests(&rng, count: Int.random(in: 1...40, using: &rng), steps: 30, sizes: 0...5000,
                                               alignments: [1, 2, 16, 64, 256, 4096])
            let plan = try Self.planned(requests)
            let live = requests.indices.filter { requests[$0].size > 0 }
            if let i = live.randomElement(using: &rng) {
                var moved = plan
                moved.offsets[i] = plan.arenaBytes - requests[i].size + 1
                Self.expectRejected(moved, requests, "round \(round): buffer \(i) past the arena end")
                if requests[i].alignment > 1 {
                    var misaligned = plan
                    misaligned.offsets[i] += 1
                    misaligned.arenaBytes += 1
                    Self.expectRejected(misaligned, requests, "round \(round): buffer \(i) misaligned")
                }
                // Onto a buffer it lives with, where that is not a granted alias.
                let partners = live.filter { j in
                    j != i && requests[i].firstUse <= requests[j].lastUse && requests[j].firstUse <= requests[i].lastUse
                        && requests[i].aliasOf != j && requests[j].aliasOf != i
                }
                if let j = partners.randomElement(using: &rng) {
                    var clash = plan
                    clash.offsets[i] = plan.offsets[j]
                    clash.arenaBytes = plan.arenaBytes + max(requests[i].size, requests[j].size)
                    if clash.offsets[j] % requests[i].alignment == 0 {
                        Self.expectRejected(clash, requests, "round \(round): buffers \(i) and \(j) at one offset")
                    }
                }
            }
            var short = plan
            short.offsets.removeLast()
            Self.expectRejected(short, requests, "round \(round): an offset missing")
        }
    }

    /// Realistic sets (kilobytes to a megabyte, 64-byte aligned): the plan stays within 10 % of the lower bound.
    @Test func randomPlansAreNearTheLowerBound() throws {
        var rng = SeededGenerator(seed: 0x51DE)
        var worst = 1.0
        for round in 0..<200 {
            let requests = Self.randomRequests(&rng, count: Int.random(in: 5...120, using: &rng), steps: 60,
                                               sizes: 1024...1 << 20, alignments: [64])
            let plan = try Self.planned(requests)
            let ratio = Double(plan.arenaBytes) / Double(lowerBound(requests))
            worst = max(worst, ratio)
            #expect(ratio <= 1.10, "round \(round): \(plan.arenaBytes) bytes, lower bound \(lowerBound(requests))")
        }
        print("random sets: worst arena / lower bound \(worst)")
    }

    /// One buffer per activation point of the forward, in its order and at the size the fp32 forward reports (one
    /// byte per int8 element), plus scratch (attention tiles, im2col tiles, the decoder band); residual adds and
    /// the GELU table run in place.
    @Test func segFormerRequestsMirrorTheForward() throws {
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        let model = try FloatSegFormer(checkpoint, decoder: .folded)
        nonisolated(unsafe) var seen: [(String, Int)] = []
        _ = try model.forward(FloatTensor(zeros: [3, 70, 90])) { name, values in seen.append((name, values.count)) }
        let int8 = try SegFormerModel(path: try SmallModel.path)
        let points = Set(ActivationPoint.all(checkpoint.config))
        let whole = try int8.memoryPlan(height: 70, width: 90, observable: true)
        let activations = whole.names.indices.filter { points.contains(whole.names[$0]) }
        #expect(activations.map { whole.names[$0] } == seen.map(\.0))
        #expect(activations.map { whole.requests[$0].size } == seen.map(\.1))
        // The default plan runs the decoder head in bands: the fused map and the stage-1 projection exist only
        // as a band per thread (the band's scratch holds both).
        let memory = try int8.memoryPlan(height: 70, width: 90)
        let (plan, requests, names) = (memory.plan, memory.requests, memory.names)
        try verify(plan, requests)
        #expect(!names.contains(ActivationPoint.decoderFused))
        #expect(!names.contains(ActivationPoint.decoderProjection(0)) && names.contains(ActivationPoint.decoderProjection(1)))
        let band = requests[try #require(names.firstIndex(of: "\(ActivationPoint.decoderFused).band"))]
        let logitsWidth = 23   // 90 / 4, rounded up by the 7×7 stride-4 patch embedding
        #expect(band.size == 2 * max(1, 1024 / logitsWidth) * logitsWidth * checkpoint.config.decoderHiddenSize)
        #expect(try whole.requests[#require(whole.names.firstIndex(of: ActivationPoint.decoderFused))].size
                == 18 * logitsWidth * checkpoint.config.decoderHiddenSize)

        // Attention scratch is one tile's worth (64 queries × 256 keys), whatever the image size: scores, weights,
        // and per row the running max, the sum and the P·V accumulators, each part 64-byte aligned.
        let c = checkpoint.config
        let large = try int8.memoryPlan(height: 1024, width: 1024)
        for s in 0..<c.numStages {
            let d = c.hiddenSizes[s] / c.numAttentionHeads[s]
            func up(_ x: Int) -> Int { (x + 63) / 64 * 64 }
            let expected = up(4 * 64 * 256) + up(64 * 256) + up(4 * 64) + up(4 * 64) + up(4 * 64 * d)
            let name = "stage\(s + 1).block1.context.scratch"
            let scratch = requests[try #require(names.firstIndex(of: name))]
            #expect(scratch.size == expected, "\(name)")
            #expect(large.requests[try #require(large.names.firstIndex(of: name))].size == expected, "\(name) at 1024x1024")
            // Scratch lives only while the attention runs.
            #expect(scratch.lastUse == scratch.firstUse)
        }
        let twoThreads = try int8.memoryPlan(height: 70, width: 90, threads: 2)
        let scratchIndex = try #require(names.firstIndex(of: "stage1.block1.context.scratch"))
        #expect(twoThreads.requests[scratchIndex].size == 2 * requests[scratchIndex].size, "each thread has its own scratch")

        let aliased = requests.indices.filter { requests[$0].aliasOf != nil }
        #expect(aliased.count == 3 * c.depths.reduce(0, +))
        for i in aliased { #expect(plan.offsets[i] == plan.offsets[requests[i].aliasOf!], "\(names[i]) not in place") }
        // The result (stage outputs and logits) is still there at the end.
        let end = requests.map(\.lastUse).max()!
        for name in (0..<c.numStages).map(ActivationPoint.stageNorm) + [ActivationPoint.logits] {
            #expect(requests[try #require(names.firstIndex(of: name))].lastUse == end, "\(name)")
        }
        #expect(throws: EdgeSegError.self) { try int8.memoryPlan(height: 16, width: 16) }
    }

    /// README's arena table: CamVid B0 int8 at its native size, 512² and 1024², with 1 and 2 threads, is exactly
    /// the lower bound (the bytes live at the busiest step, counted by `bytesLiveAtBusiestStep`, not by the
    /// planner's own bound), and the fp32 plan of the same sizes (`info` on the Hugging Face folder).
    @Test(arguments: [(360, 480, 3_110_400, 18_872_640), (512, 512, 4_718_592, 28_114_944), (1024, 1024, 18_874_368, 109_314_048)])
    func camvidArenaIsTheLowerBound(height: Int, width: Int, int8Bytes: Int, fp32Bytes: Int) throws {
        let int8 = try SegFormerModel(path: try SmallModel.path)
        for threads in [1, 2] {
            let memory = try int8.memoryPlan(height: height, width: width, threads: threads)
            let (plan, requests) = (memory.plan, memory.requests)
            try verify(plan, requests)
            let bound = Self.bytesLiveAtBusiestStep(requests)
            #expect(memory.lowerBound == bound, "the planner's bound")
            #expect(plan.arenaBytes == bound, "\(height)x\(width), \(threads) thread(s)")
            #expect(plan.arenaBytes == int8Bytes, "\(height)x\(width), \(threads) thread(s): README's bytes")
            print("CamVid B0 \(height)x\(width), \(threads) thread(s): \(requests.count) buffers, arena \(plan.arenaBytes) bytes, bound \(bound)")
        }
        let float = try SegFormerModel(float: try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel),
                                                                  decoder: .folded))
        let floatMemory = try float.memoryPlan(height: height, width: width)
        try verify(floatMemory.plan, floatMemory.requests)
        #expect(floatMemory.arenaBytes == fp32Bytes, "fp32 \(height)x\(width), bound \(Self.bytesLiveAtBusiestStep(floatMemory.requests))")
    }

    /// A lower bound for any placement, by a sweep over the steps: at each step the bytes of every buffer live then,
    /// less each buffer that starts there in place of an input the step reads for the last time (they share bytes).
    static func bytesLiveAtBusiestStep(_ requests: [BufferRequest]) -> Int {
        let steps = (requests.map(\.lastUse).max() ?? -1) + 1
        return (0..<steps).map { t in
            requests.indices.reduce(0) { total, j in
                let r = requests[j]
                guard r.firstUse <= t && t <= r.lastUse else { return total }
                if let i = r.aliasOf, r.firstUse == t, requests[i].lastUse == t, r.size <= requests[i].size { return total }
                return total + r.size
            }
        }.max() ?? 0
    }
}
