import EdgeSegRuntime
import Foundation

/// Milliseconds of each of `runs` frames after `warmup` untimed ones: what the camera loop does per frame (the
/// picture resized into the arena, the model, the class map at the session's size). The session's op-group
/// timings, when on, cover the timed frames only.
func frameMilliseconds(_ session: Session, picture: RGBImage, warmup: Int, runs: Int) throws(EdgeSegError) -> [Double] {
    var labels = [UInt8](repeating: 0, count: session.height * session.width)
    func frame() throws(EdgeSegError) {
        try session.run(image: picture)
        labels.withUnsafeMutableBufferPointer { session.writeClassMap(height: session.height, width: session.width, into: $0) }
    }
    for _ in 0..<warmup { try frame() }
    session.resetTimings()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try frame()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times
}

/// The middle value (the mean of the two middle ones for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted(), n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}

/// A deterministic street-like picture: smooth gradients plus a fixed pseudo-random texture.
func syntheticPicture(height: Int, width: Int) -> RGBImage {
    var state: UInt32 = 0x2545_F491
    var pixels = [UInt8](repeating: 0, count: height * width * 3)
    for y in 0..<height {
        for x in 0..<width {
            state = state &* 1_664_525 &+ 1_013_904_223
            let noise = Int(state >> 27)
            let i = (y * width + x) * 3
            pixels[i] = UInt8(min(255, 40 + 180 * y / height + noise))
            pixels[i + 1] = UInt8(min(255, 60 + 120 * x / width + noise))
            pixels[i + 2] = UInt8(min(255, 200 - 150 * y / height + noise))
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}
