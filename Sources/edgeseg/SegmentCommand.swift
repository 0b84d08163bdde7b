import ArgumentParser
import EdgeSegCommands
import EdgeSegImport

/// `edgeseg segment`: the arguments go unparsed to `runSegmentCommand`, the Pi binary's own `segment`, so the
/// same command line runs on both with the same outputs; the host also opens Hugging Face folders.
struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment one image: a class-index mask at the image's size, and optionally an overlay.",
        discussion: segmentUsage)

    @Argument(parsing: .captureForPassthrough, help: "The segment options (see above).")
    var arguments: [String] = []

    func run() throws {
        do throws(CommandError) {
            try runSegmentCommand(arguments, open: loadModel)
        } catch {
            printError("edgeseg segment: error: \(error.message(program: "edgeseg"))")
            throw ExitCode(error.exitStatus)
        }
    }
}
