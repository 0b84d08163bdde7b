/// What EdgeSeg assumes about one board it is deployed on: CPU, worker threads, the model's input size, the
/// int8 kernels its CPU should select, and the camera settings to open. `--board NAME` applies one. The table
/// lives in code (not in a file beside the binary) so the single static binary on the Pi carries it.
public struct BoardProfile: Equatable, Sendable {
    /// What `--board` takes: "pi4", "pi5", "pizero2w", "x86-64".
    public var name: String
    public var title: String
    public var cpu: String
    /// Worker threads for the frame loop: one per core (the int8 kernels themselves run on one thread today).
    public var threads: Int
    /// The least RAM the board is sold with: what the model, its arena and the camera buffers must fit in.
    public var memoryMB: Int
    /// The model's input size: frames and images are resized to it when no `--size` is given.
    public var inputHeight: Int
    public var inputWidth: Int
    public var inputSize: ImageSize { ImageSize(width: inputWidth, height: inputHeight) }
    /// The int8 kernel set (`int8KernelISA`) this board's CPU should select: "neon", "neondot", "avx2".
    public var expectedISA: String
    public var camera: CameraDefaults

    public init(name: String, title: String, cpu: String, threads: Int, memoryMB: Int, inputHeight: Int, inputWidth: Int,
                expectedISA: String, camera: CameraDefaults) {
        self.name = name
        self.title = title
        self.cpu = cpu
        self.threads = threads
        self.memoryMB = memoryMB
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.expectedISA = expectedISA
        self.camera = camera
    }
}

/// The V4L2 capture settings a board's camera loop opens by default.
public struct CameraDefaults: Equatable, Sendable {
    public var device: String
    public var width: Int
    public var height: Int
    public var fps: Int
    /// A V4L2 fourcc: "YUYV" is what USB webcams (and the test VM's vivid driver) all offer uncompressed.
    public var format: String

    public init(device: String, width: Int, height: Int, fps: Int, format: String) {
        self.device = device
        self.width = width
        self.height = height
        self.fps = fps
        self.format = format
    }
}

extension BoardProfile {
    /// Every known board, in the order help texts list them. Input sizes keep the camera's 3:4 shape and
    /// shrink with the CPU: CamVid's native 360×480 where a frame takes well under a second (Pi 5, x86),
    /// fewer pixels on the Pi 4 and the Zero 2 W (whose 512 MB also bounds the activation arena).
    public static let all: [BoardProfile] = [
        BoardProfile(name: "pi4", title: "Raspberry Pi 4 Model B", cpu: "Cortex-A72 (NEON, no dot product)",
                     threads: 4, memoryMB: 1024, inputHeight: 288, inputWidth: 384, expectedISA: "neon",
                     camera: CameraDefaults(device: "/dev/video0", width: 640, height: 480, fps: 15, format: "YUYV")),
        BoardProfile(name: "pi5", title: "Raspberry Pi 5", cpu: "Cortex-A76 (NEON + dot product)",
                     threads: 4, memoryMB: 1024, inputHeight: 360, inputWidth: 480, expectedISA: "neondot",
                     camera: CameraDefaults(device: "/dev/video0", width: 640, height: 480, fps: 30, format: "YUYV")),
        BoardProfile(name: "pizero2w", title: "Raspberry Pi Zero 2 W", cpu: "Cortex-A53 (NEON, no dot product)",
                     threads: 4, memoryMB: 512, inputHeight: 192, inputWidth: 256, expectedISA: "neon",
                     camera: CameraDefaults(device: "/dev/video0", width: 320, height: 240, fps: 10, format: "YUYV")),
        BoardProfile(name: "x86-64", title: "generic x86-64 PC", cpu: "x86-64 with AVX2",
                     threads: 4, memoryMB: 4096, inputHeight: 360, inputWidth: 480, expectedISA: "avx2",
                     camera: CameraDefaults(device: "/dev/video0", width: 640, height: 480, fps: 30, format: "YUYV")),
    ]

    /// The board called `name`; an unknown name is an error that lists the known ones.
    public static func named(_ name: String) throws(EdgeSegError) -> BoardProfile {
        for board in all where board.name == name { return board }
        let known = all.map { $0.name }.joined(separator: ", ")
        throw EdgeSegError(.usage, "unknown board '\(name)'; known boards: \(known)")
    }
}
