import ArgumentParser
import EdgeSegRuntime
import Foundation

/// Runs a command's work; an `EdgeSegError` becomes one `edgeseg: error: ...` line on stderr and exit
/// status 1, without a usage text or a stack trace (the message already says what is wrong and where).
func reportingErrors<T>(_ work: () throws(EdgeSegError) -> T) throws(ExitCode) -> T {
    do {
        return try work()
    } catch {
        printError("edgeseg: error: \(error.message)")
        throw ExitCode.failure
    }
}

/// One line on stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
