import ArgumentParser

@main
struct EdgeSegCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgeseg",
        abstract: "int8 SegFormer semantic segmentation for Raspberry Pi and x86.",
        subcommands: [SegmentCommand.self, InfoCommand.self, FetchCommand.self, CalibrateCommand.self, QuantizeCommand.self, EvalCommand.self, DemoCommand.self, CameraCommand.self, BenchCommand.self]
    )
}
