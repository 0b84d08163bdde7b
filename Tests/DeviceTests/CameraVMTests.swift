import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The aarch64 camera binary against a real V4L2 driver: vivid in the emulated arm64 VM (../shared/vm), one
/// boot running Fixtures/camera-vm/run.sh, which leaves each case's output and exit status in the shared folder.
@Suite struct CameraVMTests {
    /// The VM run, once for the suite: the shared folder with the cases' results.
    static let vmRun: Result<String, AArch64Build.Failure> = Result { () throws(AArch64Build.Failure) -> String in
        do {
            let share = SharedAssets.scratchDirectory("cameravm")
            let fm = FileManager.default
            try fm.copyItem(atPath: try AArch64Build.binary(), toPath: share + "/edgeseg-aarch64")
            try fm.copyItem(atPath: try SmallModel.path, toPath: share + "/model.edgeseg")
            try fm.copyItem(atPath: SharedAssets.projectRoot.path + "/Tests/DeviceTests/Fixtures/camera-vm/run.sh",
                            toPath: share + "/run.sh")
            let vm = try runProcess([SharedAssets.path("vm/vm.sh"), "run", "quick"],
                                    environment: ["SHARE": share, "VM_TIMEOUT": "400"])
            guard vm.status == 0 else {
                throw AArch64Build.Failure(description: "vm.sh run failed (status \(vm.status)); is the VM built (../shared/vm/vm.sh deps, download, build)?\n\(vm.stderr.suffix(3000))")
            }
            return share
        } catch let failure as AArch64Build.Failure {
            throw failure
        } catch {
            throw AArch64Build.Failure(description: "camera VM run: \(error)")
        }
    }

    /// One case's exit status and output.
    static func result(_ name: String) throws -> (status: Int, log: String) {
        let share = try vmRun.get()
        let rc = try String(contentsOfFile: "\(share)/\(name).rc", encoding: .utf8)
        let log = try String(contentsOfFile: "\(share)/\(name).log", encoding: .utf8)
        return (Int(rc.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, log)
    }

    /// A number the summary line reports, e.g. "error buffers 2" → 2.
    static func summaryCount(_ log: String, _ label: String) -> Int? {
        guard let summary = log.split(separator: "\n").first(where: { $0.hasPrefix("summary:") }),
              let range = summary.range(of: label + " ") else { return nil }
        return Int(summary[range.upperBound...].prefix { $0.isNumber })
    }

    /// 30 (YUYV: 90) frames at 320x240 from input 3 through the int8 model at 48x64: exit 0, stats printed,
    /// overlays and masks written and decodable at the frame's size. `auto` asks libv4l2 for RGB24.
    @Test(arguments: ["yuyv", "nv12", "rgb24", "auto"])
    func formatRunsThroughTheModel(format: String) throws {
        let (status, log) = try Self.result(format)
        #expect(status == 0, "\(log)")
        let fourcc = ["yuyv": "YUYV", "nv12": "NV12", "rgb24": "RGB3", "auto": "RGB3"][format]!
        #expect(log.contains("input 3 'HDMI 0', \(fourcc) 320x240"), "\(log)")
        let frames = format == "yuyv" ? 90 : 30
        #expect(Self.summaryCount(log, "summary:") == frames, "\(log)")
        #expect((Self.summaryCount(log, "captured,") ?? 0) >= 1, "\(log)")
        if format == "yuyv" { #expect(log.contains("fps | inference"), "no stats line: \(log)") }

        let dir = try Self.vmRun.get() + "/" + format
        let saved = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        let overlays = saved.filter { $0.hasSuffix(".overlay.png") }
        #expect(!overlays.isEmpty && saved.count == 2 * overlays.count, "\(saved)")
        #expect(!saved.contains { $0.contains(".tmp") }, "\(saved)")
        for name in overlays {
            let overlay = try loadImage(path: dir + "/" + name)
            let mask = try loadLabelImage(path: dir + "/" + name.replacingOccurrences(of: ".overlay.", with: ".mask."))
            #expect(overlay.width == 320 && overlay.height == 240 && mask.width == 320 && mask.height == 240)
            #expect(mask.values.allSatisfy { $0 < 11 })
        }
    }

    /// `v4l2-ctl --stream-mmap --stream-to=- | edgeseg-aarch64 camera --source - --format yuyv`: the 30 frames vivid
    /// gave the writer are all read (none short), the newest go through the model, the JSON lines on stdout name
    /// masks at the frame's size, and the pictures have the colours of the V4L2 YUYV case's.
    @Test func pipeFromV4l2CtlRunsThroughTheModel() throws {
        let (status, log) = try Self.result("pipe")
        #expect(status == 0, "\(log)")
        #expect(log.contains("source: standard input, yuyv 320x240, 153600 bytes a frame, newest frame wins"), "\(log)")
        #expect(Self.summaryCount(log, "summary:") == 30, "\(log)")
        #expect(!log.contains("ended inside a frame"), "\(log)")
        let share = try Self.vmRun.get()
        let lines = try String(contentsOfFile: share + "/pipe.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty && lines.count == Self.summaryCount(log, "captured,"), "\(lines.count) JSON lines; \(log)")
        let saved = try lines.compactMap { try JSONValue.parse(String($0), source: "pipe.jsonl")["mask"]?.string }
        #expect(!saved.isEmpty)
        let first = try loadImage(path: share + "/pipe/" + fileName(saved[0]).replacingOccurrences(of: ".mask.", with: ".overlay."))
        let mask = try loadLabelImage(path: share + "/pipe/" + fileName(saved[0]))
        #expect(first.width == 320 && first.height == 240 && mask.values.allSatisfy { $0 < 11 })
        let yuyv = try FileManager.default.contentsOfDirectory(atPath: share + "/yuyv").sorted().first { $0.hasSuffix(".overlay.png") }
        let reference = try loadImage(path: share + "/yuyv/" + (try #require(yuyv)))
        let difference = zip(reference.pixels, first.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        #expect(Double(difference) / Double(first.pixels.count) < 8, "the piped frames' colours differ from the V4L2 YUYV case's")
    }

    /// MJPEG capture is not run: vivid offers no MJPEG (a request for MJPG gets YUYV). Its frame conversion is
    /// tested on the host (ImageTests.mjpegFrameConvertsToTheJPEGFilesPixels); a real webcam: Boards/CAMERA.md.
    @Test func mjpegCaptureIsNotRunInTheVM() {
        recordNotRun("MJPEG capture in the camera VM: vivid offers no MJPEG")
    }

    /// vivid's colour bars through each format's conversion: the first overlays agree (a swapped chroma or
    /// R/B would move them far apart). The OSD text differs frame to frame, hence a mean, not equality. The first
    /// saved, not frame 1: on busy cores the newest-frame loop may take frame 2 first.
    @Test func formatsConvertToTheSameColours() throws {
        let share = try Self.vmRun.get()
        let pictures = try ["yuyv", "nv12", "rgb24", "auto"].map { format in
            let saved = try FileManager.default.contentsOfDirectory(atPath: "\(share)/\(format)").sorted()
            let first = try #require(saved.first { $0.hasSuffix(".overlay.png") }, "\(format): no overlay saved")
            return try loadImage(path: "\(share)/\(format)/\(first)")
        }
        for other in pictures.dropFirst() {
            let difference = zip(pictures[0].pixels, other.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
            let mean = Double(difference) / Double(other.pixels.count)
            #expect(mean < 8, "mean difference \(mean) per sample between formats")
        }
    }

    /// "Percentage of Dropped Buffers=30": the sequence gaps are counted as driver drops; the run succeeds.
    @Test func driverDropsAreCounted() throws {
        let (status, log) = try Self.result("drops")
        #expect(status == 0, "\(log)")
        #expect((Self.summaryCount(log, "driver") ?? 0) > 0, "\(log)")
    }

    /// "Inject V4L2_BUF_FLAG_ERROR": flagged buffers are skipped and counted; the run succeeds.
    @Test func errorBuffersAreSkippedAndCounted() throws {
        let (status, log) = try Self.result("errorflag")
        #expect(status == 0, "\(log)")
        #expect((Self.summaryCount(log, "error buffers") ?? 0) > 0, "\(log)")
        #expect(Self.summaryCount(log, "summary:") == 60, "\(log)")
    }

    /// "Inject Fatal Streaming Error": DQBUF fails with EIO, the stream is restarted and the run completes.
    @Test func fatalStreamingErrorRestartsTheStream() throws {
        let (status, log) = try Self.result("fatal")
        #expect(status == 0, "\(log)")
        #expect(log.contains("Input/output error: restarting the stream"), "\(log)")
        #expect((Self.summaryCount(log, "stream restarts") ?? 0) > 0, "\(log)")
        #expect(Self.summaryCount(log, "summary:") == 60, "\(log)")
    }

    /// SIGTERM: streaming stops, the summary is printed, exit status 0.
    @Test func sigtermStopsCleanly() throws {
        let (status, log) = try Self.result("sigterm")
        #expect(status == 0, "\(log)")
        #expect(log.contains("stopping (signal 15)") && log.contains("summary:"), "\(log)")
    }

    /// "Disconnect": ENODEV ends the run with exit status 3 and a message that says so, no hang. With
    /// --reconnect the program opens the camera again (vivid brings the node back once it is closed) and
    /// completes its frames; a camera that is not there at all is waited for until SIGTERM.
    @Test func disconnectExitsWithTheDocumentedStatusOrReconnects() throws {
        let (status, log) = try Self.result("disconnect")
        #expect(status == 3, "\(log)")
        #expect(log.contains("No such device: the camera is gone (unplugged?); exit status 3"), "\(log)")
        #expect(log.contains("summary:"), "\(log)")

        let (reconnected, reconnectLog) = try Self.result("reconnect")
        #expect(reconnected == 0, "\(reconnectLog)")
        #expect(reconnectLog.contains("the camera is gone; waiting for it to come back"), "\(reconnectLog)")
        #expect((Self.summaryCount(reconnectLog, "reconnects") ?? 0) > 0, "\(reconnectLog)")
        #expect(Self.summaryCount(reconnectLog, "summary:") == 90, "\(reconnectLog)")

        let (waited, waitLog) = try Self.result("absent")
        #expect(waited == 0, "\(waitLog)")
        #expect(waitLog.contains("/dev/video9: cannot open: No such file or directory: waiting for the camera"), "\(waitLog)")
        #expect(waitLog.contains("summary: 0 frames"), "\(waitLog)")
    }
}
