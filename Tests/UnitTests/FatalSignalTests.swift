import Foundation
import TestSupport
import Testing

/// The device binary's last word on a fatal signal (es_fatal_signals_install): one line with the command and the
/// file it was reading, and still the signal as its cause of death.
@Suite struct FatalSignalTests {
    @Test func aFatalSignalNamesTheCommandAndTheFile() throws {
        // A folder of 1000 links to one picture: the camera is still reading them when the signal comes.
        let folder = SharedAssets.scratchDirectory("fatal-signal")
        for i in 0..<1000 {
            try FileManager.default.createSymbolicLink(atPath: folder + String(format: "/frame-%04d.png", i), withDestinationPath: SmallModel.image)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: deviceExecutable())
        process.arguments = ["camera", "--model", try SmallModel.path, "--source", folder, "--model-size", "128x96"]
        let output = Pipe()
        let errors = SharedAssets.scratchDirectory("fatal-signal-stderr") + "/stderr"
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
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGSEGV, "\(process.terminationStatus)")
        #expect(said.contains("camera: fatal signal SIGSEGV while reading \(folder)/frame-"), "\(said)")
    }
}
