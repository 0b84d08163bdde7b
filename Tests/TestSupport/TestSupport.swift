import AllocationCounter
import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Testing

/// Records that part of a test did not run here, naming what is missing. A known issue, so the run stays green
/// and its output still says "recorded a known issue ... not run: ..." where a silent `continue` would hide it.
public func recordNotRun(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    withKnownIssue { Issue.record("not run: \(what)", sourceLocation: sourceLocation) }
}

/// The CamVid B0 int8 model of the tests that need a real one but not its accuracy: quantized from a quick
/// calibration (minmax at 96x128) once per test process.
public enum SmallModel {
    /// Built once; a failure fails each test that needs it instead of crashing the run.
    static let quantized: Result<String, EdgeSegError> = Result { () throws(EdgeSegError) in
        let path = SharedAssets.scratchDirectory("int8model") + "/camvid-small.edgeseg"
        let calibration = try calibrate(modelDirectory: SharedAssets.camvidModel,
                                        imagesDirectory: SharedAssets.path("assets/camvid/calib"), method: .minmax,
                                        size: ImageSize(width: 128, height: 96))
        let checkpoint = try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel)
        try Int8Quantizer.quantize(checkpoint, activations: calibration.activationParameters).write(to: path)
        return path
    }

    public static var path: String { get throws(EdgeSegError) { try quantized.get() } }

    public static let image = SharedAssets.path("assets/camvid/eval/images/0001TP_008550.png")
}

/// Heap allocations in `frames` frames (each picture in turn: run, class map into a caller's buffer at the
/// picture's size) after one warm-up round, on the calling thread and on the session's workers; the
/// session is made by `make` with its worker threads tracked.
public func allocationsPerFrames(_ frames: Int, _ pictures: [RGBImage],
                                 _ make: () throws(EdgeSegError) -> Session) throws -> Int {
    guard allocation_counter_active() != 0 else {
        recordNotRun("allocation counting (off under AddressSanitizer)")
        return 0
    }
    allocation_tracking_begin()
    defer { allocation_tracking_end() }
    allocation_tracking_new_threads(1)   // the session's workers
    let session = try make()
    allocation_tracking_new_threads(0)
    let labels = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: pictures.map { $0.width * $0.height }.max()!)
    defer { labels.deallocate() }
    for picture in pictures {   // warm-up: first calls may set up lazy runtime state
        try session.run(image: picture)
        session.writeClassMap(height: picture.height, width: picture.width, into: labels)
    }
    allocation_counting(1)
    for frame in 0..<frames {
        let picture = pictures[frame % pictures.count]
        try session.run(image: picture)
        session.writeClassMap(height: picture.height, width: picture.width, into: labels)
    }
    allocation_counting(0)
    return allocation_count()
}
