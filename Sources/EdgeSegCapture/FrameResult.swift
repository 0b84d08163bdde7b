import EdgeSegRuntime

/// What one segmented frame gave, for other programs: `camera --json` prints it as one line on stdout and the
/// live view serves the newest at `/frame.json` (its class shares under the picture).
struct FrameResult {
    var number: Int
    var name: String
    /// CLOCK_MONOTONIC nanoseconds (the driver's stamp for a camera, the read's end for a pipe).
    var capturedAt: UInt64
    var latencyNanoseconds: UInt64
    var size: ImageSize
    /// The classes present, largest first.
    var classes: [(index: Int, pixels: Int)]
    /// The mask file written for this frame (--save-dir), if one was.
    var maskFile: String?

    func json(classNames names: [String]) -> JSONValue {
        func member(_ key: String, _ value: JSONValue) -> JSONMember { JSONMember(key: key, value: value) }
        let total = max(1, size.width * size.height)
        let classes = self.classes.map { c in
            JSONValue.object([member("index", .int(Int64(c.index))),
                              member("name", .string(c.index < names.count ? names[c.index] : "class \(c.index)")),
                              member("share", .double(rounded(Double(c.pixels) / Double(total), 4)))])
        }
        var members = [
            member("frame", .int(Int64(number))),
            member("name", .string(name)),
            member("captured_ns", .int(Int64(capturedAt))),
            member("latency_ms", .double(rounded(Double(latencyNanoseconds) / 1e6, 2))),
            member("size", .object([member("width", .int(Int64(size.width))), member("height", .int(Int64(size.height)))])),
            member("classes", .array(classes)),
        ]
        if let maskFile { members.append(member("mask", .string(maskFile))) }
        return .object(members)
    }
}
