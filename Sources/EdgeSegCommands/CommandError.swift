import EdgeSegRuntime

/// Why a command stopped: the command line was wrong (exit status 2, with a hint to `help`), or the work itself
/// failed (exit status 1: a file, model or image problem, named in the runtime's message).
public enum CommandError: Error {
    case usage(String)
    case failed(EdgeSegError)

    public var exitStatus: Int32 {
        switch self {
        case .usage: 2
        case .failed: 1
        }
    }

    /// The one stderr line; `program` is how the binary was called, for the hint.
    public func message(program: String) -> String {
        switch self {
        case .usage(let text): "\(text) (see '\(program) help')"
        case .failed(let error): error.message
        }
    }
}

/// Reads the command line: its errors are usage errors.
func parsing<T>(_ work: () throws(EdgeSegError) -> T) throws(CommandError) -> T {
    do {
        return try work()
    } catch {
        throw .usage(error.message)
    }
}

/// Runs runtime work, turning its error into a command failure.
func running<T>(_ work: () throws(EdgeSegError) -> T) throws(CommandError) -> T {
    do {
        return try work()
    } catch {
        throw .failed(error)
    }
}

/// How a front end opens `--model`: the Pi binary reads `.edgeseg` files of either kind; the host CLI also
/// reads Hugging Face folders (EdgeSegImport).
public typealias ModelOpener = (String) throws(EdgeSegError) -> SegFormerModel

/// The Pi binary's opener.
public func openModelFile(_ path: String) throws(EdgeSegError) -> SegFormerModel { try SegFormerModel(path: path) }
