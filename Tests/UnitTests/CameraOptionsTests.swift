import EdgeSegCapture
import EdgeSegRuntime
import TestSupport
import Testing

/// The camera's one option parser, shared by the host CLI and the device binary.
@Suite struct CameraOptionsTests {
    @Test func optionsAndDefaults() throws {
        let o = try CameraOptions.parse(["--model", "m.edgeseg", "--input", "3", "--size", "320x240", "--model-size=64x48",
                                         "--format", "NV12", "--frames", "30", "--save-dir", "out", "--save-every", "10",
                                         "--http", ":8080", "--reconnect", "--swap-rb"])
        #expect(o.model == "m.edgeseg" && o.device == "/dev/video0" && o.input == 3)
        #expect(o.captureSize == ImageSize(width: 320, height: 240))
        #expect(o.modelSize == ImageSize(width: 64, height: 48))
        #expect(o.format == .nv12 && o.frames == 30 && o.saveDirectory == "out" && o.saveEvery == 10)
        #expect(o.http == CameraOptions.HTTPAddress(host: "", port: 8080))
        #expect(o.reconnect && o.swapRedBlue == .on && o.source == nil && o.fps == nil)

        let d = try CameraOptions.parse(["--model", "m.edgeseg"])
        #expect(d.captureSize == ImageSize(width: 640, height: 480) && d.modelSize == nil && d.format == .auto)
        #expect(d.swapRedBlue == .auto && !d.reconnect && d.http == nil)
        #expect(try CameraOptions.parse(["--model", "m", "--http", "127.0.0.1:0"]).http == CameraOptions.HTTPAddress(host: "127.0.0.1", port: 0))
    }

    /// A pipe of raw frames: its format and size, and JSON lines for other programs.
    @Test func pipeSourceAndJSON() throws {
        let o = try CameraOptions.parse(["--model", "m", "--source", "-", "--format", "i420", "--size", "640x480", "--json"])
        #expect(o.source == "-" && o.format == .i420 && o.captureSize == ImageSize(width: 640, height: 480) && o.json)
        #expect(try CameraOptions.parse(["--model", "m", "--source", "-", "--format", "BGR24"]).format == .bgr24)
        #expect(try !CameraOptions.parse(["--model", "m"]).json)
    }

    /// A board's camera, input size and threads are defaults; explicit options still win.
    @Test func boardDefaultsYieldToExplicitOptions() throws {
        let board = try BoardProfile.named("pizero2w")
        let o = try CameraOptions.parse(["--board", "pizero2w", "--model", "m", "--fps", "5"])
        #expect(o.captureSize == ImageSize(width: board.camera.width, height: board.camera.height))
        #expect(o.modelSize == board.inputSize)
        #expect(o.fps == 5 && o.device == board.camera.device)
        #expect(o.threads == board.threads)
        #expect(try CameraOptions.parse(["--board", "pizero2w", "--model", "m", "--threads", "2"]).threads == 2)
        #expect(try CameraOptions.parse(["--model", "m"]).threads == 1)
    }

    @Test(arguments: [
        (["--source", "dir"], "--model is required"),
        (["--model", "m", "--size", "320"], "--size 320: expected WIDTHxHEIGHT"),
        (["--model", "m", "--format", "h264"], "--format h264: expected one of auto, yuyv, mjpeg, nv12, i420, rgb24, bgr24"),
        (["--model", "m", "--frames", "0"], "--frames 0: expected a whole number from 1 to"),
        (["--model", "m", "--threads", "0"], "--threads 0: expected a whole number from 1 to 256"),
        (["--model", "m", "--save-every", "5"], "--save-every needs --save-dir"),
        (["--model", "m", "--http", "localhost:x"], "--http localhost:x: expected [ADDRESS]:PORT"),
        (["--model", "m", "--board", "pi9"], "unknown board 'pi9'"),
        (["--model", "m", "--model", "n"], "--model is given twice"),
        (["--model", "m", "--colour"], "unknown option --colour"),
        (["--model", "m", "--swap-rb", "--no-swap-rb"], "contradict"),
        (["--model", "m", "--source", "-"], "--source -: frames from a pipe or file need --format"),
    ])
    func wrongCommandLinesSayWhatIsWrong(arguments: [String], message: String) {
        #expect(throws: EdgeSegError.self) { try CameraOptions.parse(arguments) }
        do {
            _ = try CameraOptions.parse(arguments)
        } catch {
            #expect(error.kind == .usage && error.message.contains(message), "\(error.message)")
        }
    }
}
