import Foundation
import Testing

/// Starts `launch` + `camera --model SMALL --source FOLDER --model-size 128x96` on a folder of 1000 links to one
/// picture, sends it SIGSEGV while it reads them, and expects the device binary's last word
/// (es_fatal_signals_install): one line naming the command and the file, and still the signal as the cause of death.
public func expectFatalSignalLine(launch: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let folder = SharedAssets.scratchDirectory("fatal-signal")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for i in 0..<1000 {
        try FileManager.default.createSymbolicLink(atPath: folder + String(format: "/frame-%04d.png", i), withDestinationPath: SmallModel.image)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: launch[0])
    process.arguments = Array(launch.dropFirst()) + ["camera", "--model", try SmallModel.path, "--source", folder, "--model-size", "128x96"]
    let output = Pipe()
    let errors = folder + "/stderr"
    FileManager.default.createFile(atPath: errors, contents: nil)
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
    try process.run()
    defer { if process.isRunning { process.terminate() } }
    var line = ""
    while !line.hasPrefix("source:") && process.isRunning { line = readLine(from: output.fileHandleForReading) }
    usleep(300_000)
    kill(process.processIdentifier, SIGSEGV)
    process.waitUntilExit()
    let said = try String(contentsOfFile: errors, encoding: .utf8)
    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGSEGV, "\(process.terminationStatus)",
            sourceLocation: sourceLocation)
    #expect(said.contains("camera: fatal signal SIGSEGV while reading \(folder)/frame-"), "\(said)", sourceLocation: sourceLocation)
}
