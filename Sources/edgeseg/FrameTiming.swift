import EdgeSegRuntime
import Foundation

/// Milliseconds of each of `runs` frames after `warmup` untimed ones: what the camera loop does per frame (the
/// picture resized into the arena, the model, the class map at the picture's size), through the segmenter
/// every command uses. The session's op-group timings, when on, cover the timed frames only.
func frameMilliseconds(_ segmenter: Segmenter, picture: RGBImage, size: ImageSize, warmup: Int, runs: Int,
                       timing: Bool = false) throws(EdgeSegError) -> [Double] {
    var labels = [UInt8](repeating: 0, count: picture.height * picture.width)
    func frame() throws(EdgeSegError) {
        try labels.withUnsafeMutableBufferPointer { (buffer) throws(EdgeSegError) in
            try segmenter.segment(picture, size: size, into: buffer)
        }
    }
    let session = try segmenter.session(size)
    session.timing = timing
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
