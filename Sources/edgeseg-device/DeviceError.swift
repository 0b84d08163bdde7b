import EdgeSegRuntime

/// Why a device command stopped: the command line was wrong (exit status 2, with a hint to `help`), or the work
/// itself failed (exit status 1: a file, model or image problem, named in the runtime's message).
/// `--help` among a command's arguments ends it the same way: the usage text, exit status 0.
enum DeviceError: Error {
    case usage(String)
    case failed(EdgeSegError)
    case helpRequested

    var exitStatus: Int32 {
        switch self {
        case .usage: 2
        case .failed: 1
        case .helpRequested: 0
        }
    }

    /// The one stderr line; `program` is how the binary was called, for the hint.
    func message(program: String) -> String {
        switch self {
        case .usage(let text): "\(text) (see '\(program) help')"
        case .failed(let error): error.message
        case .helpRequested: ""
        }
    }
}

/// Runs runtime work, turning its error into a command failure.
func running<T>(_ work: () throws(EdgeSegError) -> T) throws(DeviceError) -> T {
    do {
        return try work()
    } catch {
        throw .failed(error)
    }
}
