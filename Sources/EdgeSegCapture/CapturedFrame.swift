import EdgeSegRuntime

/// A frame on its way from the camera (or an image file) to the model.
struct CapturedFrame: Sendable {
    var image: RGBImage
    /// 1 for the first frame captured (or image read), counting every frame, dropped or not.
    var number: Int
    /// What saved files are called: "frame-000042", or the image file's name without its extension.
    var name: String
    /// When it was captured (CLOCK_MONOTONIC ns): latency is measured from here to its mask.
    var capturedAt: UInt64
}
