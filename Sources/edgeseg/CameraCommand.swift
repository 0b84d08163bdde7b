import ArgumentParser
import EdgeSegCapture
import EdgeSegImport

/// `edgeseg camera`: the arguments go unparsed to `runCameraCommand`, the Foundation-free parser the device
/// binary uses too, so the host and the Pi take the same options from one definition.
struct CameraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camera",
        abstract: "Live segmentation of a V4L2 camera (or a pipe, a file of frames, a folder of images), with stats and a web view.",
        discussion: CameraOptions.usage)

    @Argument(parsing: .captureForPassthrough, help: "The camera options (see above).")
    var arguments: [String] = []

    func run() throws {
        let status = runCameraCommand(arguments, open: loadModel)
        if status != 0 { throw ExitCode(status) }
    }
}
