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
    public var captureSize = ImageSize(width: 640, height: 480)
    /// The size the model runs at; nil: the frame's own size.
    public var modelSize: ImageSize?
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
    /// Instead of a camera: a folder's PNG/JPEG files (sorted by name, every one of them), or frames of
    /// `format` from standard input ("-"), a FIFO or a file (`FrameStreamSource`).
    public var source: String?
    /// One JSON line per segmented frame on stdout (`FrameResult`); progress and stats lines go to stderr.
    public var json = false
    public var swapRedBlue = SwapRedBlue.auto

    public init(model: String) { self.model = model }

    /// Parses the arguments after `camera` (the parser every Foundation-free command uses). `--help` is not
    /// an option here: callers handle it (see `usage`).
    public static func parse(_ arguments: [String]) throws(EdgeSegError) -> CameraOptions {
        let args = try OptionList(arguments, options: ["model", "device", "input", "size", "model-size", "fps", "format",
                                                       "frames", "save-every", "save-dir", "http", "board", "source",
                                                       "threads", "max-pixels"],
                                  flags: ["reconnect", "swap-rb", "no-swap-rb", "json"])
        var options = CameraOptions(model: try args.required("model"))
        try args.applyMaxPixels()
        // A board's defaults first, so that every explicit option overrides them.
        if let board = try args.board() {
            options.board = board.name
            options.device = board.camera.device
            options.captureSize = ImageSize(width: board.camera.width, height: board.camera.height)
            options.fps = board.camera.fps
            options.format = PixelFormat(fourccName: board.camera.format) ?? .auto
            options.modelSize = board.inputSize
            options.threads = board.threads
        }
        if let v = args.value("device") { options.device = v }
        options.input = try args.integer("input", in: 0...255) ?? options.input
        options.captureSize = try args.size("size") ?? options.captureSize
        options.modelSize = try args.size("model-size") ?? options.modelSize
        options.fps = try args.integer("fps", in: 1...1000) ?? options.fps
        options.threads = try args.threads() ?? options.threads
        if let v = args.value("format") {
            guard let format = PixelFormat(rawValue: v.lowercased()) else {
                let known = PixelFormat.allCases.map { $0.rawValue }.joined(separator: ", ")
                throw EdgeSegError(.usage, "--format \(v): expected one of \(known)")
            }
            options.format = format
        }
        options.frames = try args.integer("frames", in: 1...1_000_000_000)
        if args.value("save-every") != nil && args.value("save-dir") == nil {
            throw EdgeSegError(.usage, "--save-every needs --save-dir")
        }
        options.saveEvery = try args.integer("save-every", in: 1...1_000_000_000) ?? 1
        options.saveDirectory = args.value("save-dir")
        if let v = args.value("http") { options.http = try httpAddress(v) }
        options.source = args.value("source")
        if let source = options.source, source == "-" || pathKind(source) != .directory, options.format == .auto {
            throw EdgeSegError(.usage, "--source \(source): frames from a pipe or file need --format (yuyv, mjpeg, nv12, i420, rgb24 or bgr24)")
        }
        options.reconnect = args.flag("reconnect")
        options.json = args.flag("json")
        if args.flag("swap-rb") && args.flag("no-swap-rb") {
            throw EdgeSegError(.usage, "--swap-rb and --no-swap-rb contradict each other")
        }
        options.swapRedBlue = args.flag("swap-rb") ? .on : args.flag("no-swap-rb") ? .off : .auto
        return options
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
          Segments a live V4L2 camera (or a pipe of raw frames, or a folder of images) frame by frame: the newest
          frame always goes to the model, older ones are dropped and counted. Prints a stats line each second and a
          summary at the end.

          --model PATH        int8, mixed or float32 .edgeseg file (required; the host CLI: also a Hugging
                              Face folder)
          --device PATH       V4L2 device (default /dev/video0)
          --input N           V4L2 input to select (VIDIOC_S_INPUT); default: the device's current one
          --size WxH          frame size asked of the camera, or of the frames on a --source pipe (default 640x480)
          --model-size WxH    size the model runs at (default: the frame's)
          --fps N             frame rate asked of the camera (VIDIOC_S_PARM); with --source FILE, the rate
                              it is played at (newest wins), without it every frame of the file is segmented
          --format F          auto (RGB24 through libv4l2's conversion), yuyv, mjpeg, nv12, i420, rgb24, bgr24;
                              with --source - or a FIFO/file it is required: the frames' layout (mjpeg:
                              concatenated JPEG files, decoded toward --model-size by libjpeg's DCT scaling)
          --frames N          stop after N frames (camera, pipe, file) or images (--source DIR)
          --save-dir DIR      write NAME.overlay.png and NAME.mask.png (palette PNG of class indices),
                              atomically; NAME is frame-NNNNNN, or the image's name with --source
          --save-every N      save a frame when N frames came since the last one saved (default 1)
          --http [ADDR]:PORT  serve / (live page: overlay or camera picture, legend with each class's share),
                              /frame.png, /picture.png, /frame.json and /stats.json; port 0: any free port
          --threads N         threads for the inference (default 1, or the board's)
          --board NAME        a board profile's camera, model-size and threads defaults (explicit options win)
          \(PixelBudget.optionHelp)
          --reconnect         when the camera vanishes (unplugged, ENODEV), wait for it instead of exiting
          --source DIR        play DIR's PNG/JPEG images through the same pipeline, none dropped; with
                              --http the last overlay stays served until Ctrl-C
          --source -|PATH     frames of --format at --size from standard input, a FIFO or a file, e.g.
                              rpicam-vid -t 0 -n --codec yuv420 --width 640 --height 480 -o - | ... --source -
                              --format i420 --size 640x480; a short frame at the end is reported, not segmented
          --json              one JSON line per segmented frame on stdout (frame, name, captured_ns,
                              latency_ms, size, classes [{index, name, share}], mask when saved); the
                              progress and stats lines go to stderr
          --swap-rb           exchange red and blue (a BGR camera that says RGB); --no-swap-rb never does.
                              Default: swapped for the Pi camera through libcamerify (driver "libcamera")

          Exit status: 0 done (also after Ctrl-C / SIGTERM), 1 failed (model, file, camera error),
          2 wrong command line, 3 the camera vanished (ENODEV) or is not there, without --reconnect.
        """
}
