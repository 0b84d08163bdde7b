import Foundation

/// Runs a program to completion and captures what it printed.
public struct ProcessResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// With `feeding`: how long each chunk's write into the program's standard input took, in seconds.
    public var writeSeconds: [Double] = []
}

/// The child writes into temporary files, read after it exits: Foundation's pipe reads trap on EINTR
/// (`readDataToEndOfFile` uses `try!`), and a test run has signals flying while children come and go.
/// `environment` adds to (or overrides) this process's environment. `feeding`: chunks written to the program's
/// standard input (a pipe) as fast as it takes them, each write timed, then the pipe is closed.
public func runProcess(_ arguments: [String], environment: [String: String] = [:], feeding chunks: [[UInt8]]? = nil) throws -> ProcessResult {
    let dir = SharedAssets.scratchDirectory("process")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let outPath = dir + "/stdout", errPath = dir + "/stderr"
    FileManager.default.createFile(atPath: outPath, contents: nil)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let input = chunks.map { _ in Pipe() }
    if let input { process.standardInput = input }
    try process.run()
    var writeSeconds: [Double] = []
    if let input, let chunks {
        signal(SIGPIPE, SIG_IGN)   // a program that exits early makes the next write fail with EPIPE instead
        let fd = input.fileHandleForWriting.fileDescriptor
        for chunk in chunks {
            let start = DispatchTime.now().uptimeNanoseconds
            guard writeAll(fd, chunk) else { break }
            writeSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        try input.fileHandleForWriting.close()
    }
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                         writeSeconds: writeSeconds)
}

/// write(2) until every byte is written (EINTR retried); false if the reader went away.
private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        offset += n
    }
    return true
}

/// A program a test runs is missing: which, and the Debian package that has it (.ci/run installs them all).
public struct MissingTool: Error, CustomStringConvertible {
    public let description: String
}

/// Fails with the Debian package to install when a program is not on PATH (or, given a path, not there).
public func requireTool(_ name: String, package: String) throws {
    let found = try runProcess(["sh", "-c", "command -v \(name)"])
    guard found.status == 0 else { throw MissingTool(description: "\(name) not found: apt-get install \(package)") }
}

/// Runs the `edgeseg` executable built beside the test bundle.
public func runEdgeSeg(_ arguments: [String], environment: [String: String] = [:], feeding chunks: [[UInt8]]? = nil) throws -> ProcessResult {
    try runProcess([edgeSegExecutable()] + arguments, environment: environment, feeding: chunks)
}

/// The path of the `edgeseg` executable built beside the test bundle (`swift test` builds every product).
public func edgeSegExecutable() -> String {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = testBinary.deletingLastPathComponent()
    while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("edgeseg").path), dir.path != "/" {
        dir = dir.deletingLastPathComponent()
    }
    return dir.appendingPathComponent("edgeseg").path
}

/// Reads up to the first newline from a pipe with read(2), retrying on EINTR (Foundation's reads trap on it).
/// Returns what came before the newline, or everything if the writer closed first.
public func readLine(from handle: FileHandle) -> String {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
        let n = read(handle.fileDescriptor, &byte, 1)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 || byte == UInt8(ascii: "\n") { break }
        bytes.append(byte)
    }
    return String(decoding: bytes, as: UTF8.self)
}
