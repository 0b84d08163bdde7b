import EdgeSegRuntime

/// Everything `edgeseg camera` is told on its command line. One parser (`parse`) serves the host CLI and the
/// device binary, so both take exactly the same options.
public struct CameraOptions: Equatable, Sendable {
    /// Whether to exchange R and B: `auto` does so for the Pi camera module through libcamerify (driver
    /// "libcamera", whose RGB24 frames arrive in BGR order).
    public enum SwapRedBlue: Equatable, Sendable { case auto, on, off }

    /// Where `--http` listens: `host` empty for every interface; `port` 0 for any free port.
    public struct HTTPAddress: Equatable, Sendable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public var model: String
    public var device = "/dev/video0"
    /// The V4L2 input (VIDIOC_S_INPUT); nil keeps the device's current one.
    public var input: Int?
    /// The frame size asked of the camera (the driver may pick the nearest it has).
    public var captureWidth = 640
    public var captureHeight = 480
    /// The size the model runs at; nil: the frame's own size.
    public var modelHeight: Int?
    public var modelWidth: Int?
    public var fps: Int?
    public var format = PixelFormat.auto
    /// Threads of the int8 inference (the caller included); the capture thread comes on top.
    public var threads = 1
    /// Stop after this many frames captured (or images read); nil: run until stopped.
    public var frames: Int?
    /// Save a segmented frame's overlay and mask when at least this many frames came since the last one saved.
    public var saveEvery = 1
    public var saveDirectory: String?
    public var http: HTTPAddress?
    public var board: String?
    /// On a vanished camera (ENODEV), wait for it to come back instead of exiting with status 3.
    public var reconnect = false
    /// Play the PNG/JPEG files of this folder (sorted by name) instead of a camera, every one of them.
    public var source: String?
    public var swapRedBlue = SwapRedBlue.auto

    public init(model: String) { self.model = model }

    /// Parses the arguments after `camera`. `--help` is not an option here: callers handle it (see `usage`).
    public static func parse(_ arguments: [String]) throws(EdgeSegError) -> CameraOptions {
        var values: [String: String] = [:]
        var flags = Set<String>()
        let valued: Set<String> = ["model", "device", "input", "size", "model-size", "fps", "format", "frames",
                                   "save-every", "save-dir", "http", "board", "source", "threads"]
        let flagNames: Set<String> = ["reconnect", "swap-rb", "no-swap-rb"]
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            guard argument.hasPrefix("--") else {
                throw EdgeSegError(.usage, "unexpected argument '\(argument)' (options start with --)")
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if flagNames.contains(name) {
                guard value == nil else { throw EdgeSegError(.usage, "--\(name) takes no value") }
                flags.insert(name)
                continue
            }
            guard valued.contains(name) else {
                throw EdgeSegError(.usage, "unknown option --\(name)")
            }
            if value == nil {
                guard i < arguments.count else { throw EdgeSegError(.usage, "--\(name) needs a value") }
                value = arguments[i]
                i += 1
            }
            guard values.updateValue(value!, forKey: name) == nil else {
                throw EdgeSegError(.usage, "--\(name) is given twice")
            }
        }

        guard let model = values["model"] else { throw EdgeSegError(.usage, "--model is required") }
        var options = CameraOptions(model: model)
        // A board's defaults first, so that every explicit option overrides them.
        if let name = values["board"] {
            let board = try BoardProfile.named(name)
            options.board = name
            options.device = board.camera.device
            options.captureWidth = board.camera.width
            options.captureHeight = board.camera.height
            options.fps = board.camera.fps
            options.format = PixelFormat(fourccName: board.camera.format) ?? .auto
            options.modelHeight = board.inputHeight
            options.modelWidth = board.inputWidth
            options.threads = board.threads
        }
        if let v = values["device"] { options.device = v }
        if let v = values["input"] { options.input = try integer(v, option: "input", atLeast: 0) }
        if let v = values["size"] {
            let (first, second) = try size(v, option: "size", example: "WIDTHxHEIGHT, e.g. 640x480")
            (options.captureWidth, options.captureHeight) = (first, second)
        }
        if let v = values["model-size"] {
            let (first, second) = try size(v, option: "model-size", example: "HEIGHTxWIDTH, e.g. 96x128")
            (options.modelHeight, options.modelWidth) = (first, second)
        }
        if let v = values["fps"] { options.fps = try integer(v, option: "fps", atLeast: 1) }
        if let v = values["threads"] { options.threads = try integer(v, option: "threads", atLeast: 1) }
        if let v = values["format"] {
            guard let format = PixelFormat(rawValue: v.lowercased()) else {
                let known = PixelFormat.allCases.map { $0.rawValue }.joined(separator: ", ")
                throw EdgeSegError(.usage, "--format \(v): expected one of \(known)")
            }
            options.format = format
        }
        if let v = values["frames"] { options.frames = try integer(v, option: "frames", atLeast: 1) }
        if let v = values["save-every"] {
            guard values["save-dir"] != nil else { throw EdgeSegError(.usage, "--save-every needs --save-dir") }
            options.saveEvery = try integer(v, option: "save-every", atLeast: 1)
        }
        options.saveDirectory = values["save-dir"]
        if let v = values["http"] { options.http = try httpAddress(v) }
        options.source = values["source"]
        options.reconnect = flags.contains("reconnect")
        if flags.contains("swap-rb") && flags.contains("no-swap-rb") {
            throw EdgeSegError(.usage, "--swap-rb and --no-swap-rb contradict each other")
        }
        options.swapRedBlue = flags.contains("swap-rb") ? .on : flags.contains("no-swap-rb") ? .off : .auto
        return options
    }

    private static func integer(_ text: String, option: String, atLeast minimum: Int) throws(EdgeSegError) -> Int {
        guard let value = Int(text), value >= minimum, value <= 1_000_000_000 else {
            throw EdgeSegError(.usage, "--\(option) \(text): expected a whole number >= \(minimum)")
        }
        return value
    }

    private static func size(_ text: String, option: String, example: String) throws(EdgeSegError) -> (Int, Int) {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a > 0, b > 0, a <= 16384, b <= 16384 else {
            throw EdgeSegError(.usage, "--\(option) \(text): expected \(example)")
        }
        return (a, b)
    }

    /// ":8080", "8080", "127.0.0.1:8080" (an IPv4 address; none: every interface).
    private static func httpAddress(_ text: String) throws(EdgeSegError) -> HTTPAddress {
        let colon = text.lastIndex(of: ":")
        let host = colon.map { String(text[..<$0]) } ?? ""
        let portText = colon.map { String(text[text.index(after: $0)...]) } ?? text
        guard let port = Int(portText), port >= 0, port <= 65535 else {
            throw EdgeSegError(.usage, "--http \(text): expected [ADDRESS]:PORT, e.g. :8080")
        }
        return HTTPAddress(host: host, port: port)
    }

    /// The option summary, for `--help` of both front ends.
    public static let usage = """
        camera --model M.edgeseg [options]
          Segments a live V4L2 camera (or a folder of images) frame by frame: the newest frame always goes to
          the model, older ones are dropped and counted. Prints a stats line each second and a summary at the end.

          --model PATH        int8 or float32 .edgeseg model file (required)
          --device PATH       V4L2 device (default /dev/video0)
          --input N           V4L2 input to select (VIDIOC_S_INPUT); default: the device's current one
          --size WxH          frame size asked of the camera, width first as V4L2 gives it (default 640x480)
          --model-size HxW    size the model runs at, height first as `segment --size` (default: the frame's)
          --fps N             frame rate asked of the camera (VIDIOC_S_PARM)
          --format F          auto (RGB24 through libv4l2's conversion), yuyv, mjpeg, nv12, rgb24
          --frames N          stop after N frames (camera) or images (--source)
          --save-dir DIR      write NAME.overlay.png and NAME.mask.png (palette PNG of class indices),
                              atomically; NAME is frame-NNNNNN, or the image's name with --source
          --save-every N      save a frame when N frames came since the last one saved (default 1)
          --http [ADDR]:PORT  serve / (live overlay page), /frame.png and /stats.json; port 0: any free port
          --threads N         threads for the int8 inference (default 1, or the board's)
          --board NAME        a board profile's camera, model-size and threads defaults (explicit options win)
          --reconnect         when the camera vanishes (unplugged, ENODEV), wait for it instead of exiting
          --source DIR        play DIR's PNG/JPEG images through the same pipeline, none dropped; with
                              --http the last overlay stays served until Ctrl-C
          --swap-rb           exchange red and blue (a BGR camera that says RGB); --no-swap-rb never does.
                              Default: swapped for the Pi camera through libcamerify (driver "libcamera")

          Exit status: 0 done (also after Ctrl-C / SIGTERM), 1 failed (model, file, camera error),
          2 wrong command line, 3 the camera vanished (ENODEV) or is not there, without --reconnect.
        """
}
