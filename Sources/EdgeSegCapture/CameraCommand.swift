import CEdgeSeg
import EdgeSegRuntime

/// `camera ARGUMENTS...` for both front ends (the host CLI and the device binary): parses the options,
/// runs the camera (or the `--source` folder, pipe or file) until done or stopped, and returns the exit status
/// (`CameraExitStatus`). Messages go to stdout (progress, stats) and stderr (errors). `open` reads `--model`
/// as the front end does.
public func runCameraCommand(_ arguments: [String], open: (String) throws(EdgeSegError) -> SegFormerModel) -> Int32 {
    if arguments.contains("--help") || arguments.contains("-h") {
        say(CameraOptions.usage)
        return CameraExitStatus.done
    }
    let options: CameraOptions
    do throws(EdgeSegError) {
        options = try CameraOptions.parse(arguments)
    } catch {
        complain("edgeseg camera: error: \(error.message) (see 'camera --help')")
        return CameraExitStatus.usage
    }
    // Before the model loads (seconds on a Pi): Ctrl-C from here on stops cleanly.
    es_stop_signals_install()
    let pipeline: CameraPipeline
    do throws(EdgeSegError) {
        pipeline = try CameraPipeline(options, open: open)
    } catch {
        complain("edgeseg camera: error: \(error.message)")
        return CameraExitStatus.failed
    }
    var status: Int32
    if let source = options.source, source != "-", pathKind(source) == .directory {
        status = ImageFolderSource(pipeline: pipeline, folder: source).run()
    } else if let source = options.source {
        status = FrameStreamSource(pipeline: pipeline, path: source).run()
    } else {
        var capture = CameraCapture(pipeline)
        status = capture.run()
    }
    if let failure = pipeline.inferenceFailure {
        complain("edgeseg camera: error: \(failure.message)")
        status = CameraExitStatus.failed
    }
    return status
}
