import EdgeSegImport
import EdgeSegRuntime
import TestSupport
import Testing

/// The fp32 model on the planned arena (`SegFormerModel(float:)` in an `Session`): the bits of the fp32
/// reference forward, its class map, one allocation per session and none per frame.
@Suite struct FloatSessionTests {
    static func models() throws -> (reference: FloatSegFormer, planned: SegFormerModel) {
        let reference = try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel), decoder: .folded)
        return (reference, try SegFormerModel(float: reference))
    }

    @Test(arguments: [1, 2])
    func plannedForwardIsTheReferenceBitForBit(threads: Int) throws {
        let (reference, planned) = try Self.models()
        let picture = try loadImage(path: SharedAssets.threeFrames[0])
        let pixels = try preprocess(picture, size: ImageSize(width: 128, height: 96))
        let expected = try reference.forward(pixels).logits
        let session = try Session(model: planned, height: 96, width: 128, threads: threads)
        try session.run(pixels: pixels)
        let logits = try #require(session.floatLogits)
        #expect((logits.height, logits.width, logits.channels) == (expected.height, expected.width, expected.channels))
        #expect(logits.data == expected.data)
        #expect(session.classMap(height: 360, width: 480) == classMap(logits: expected, height: 360, width: 480))
        // The picture resized and normalised straight into the arena: the same bits as preprocess().
        try session.run(image: picture)
        #expect(session.floatLogits?.data == expected.data)
        #expect(session.stages.isEmpty)
    }

    @Test func framesAllocateNothing() throws {
        let planned = try Self.models().planned
        let count = try allocationsPerFrames(20, [try loadImage(path: SharedAssets.threeFrames[1])]) { () throws(EdgeSegError) in
            try Session(model: planned, height: 96, width: 128, threads: 2)
        }
        #expect(count == 0)
    }

    /// The plan places every float buffer (4 bytes an element) without overlap, far below their sum.
    @Test func planIsVerified() throws {
        let planned = try Self.models().planned
        let memory = try planned.memoryPlan(height: 96, width: 128)
        try verify(memory.plan, memory.requests)
        let logits = try #require(memory.names.firstIndex(of: ActivationPoint.logits))
        #expect(memory.requests[logits].size == 4 * 24 * 32 * planned.config.numLabels)
        #expect(memory.arenaBytes < memory.requests.reduce(0) { $0 + $1.size } / 4)
    }

    @Test func referenceDecoderIsRefused() throws {
        let reference = try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel))
        let error = #expect(throws: EdgeSegError.self) { _ = try SegFormerModel(float: reference) }
        #expect(error?.message.contains("folded") == true)
    }
}
