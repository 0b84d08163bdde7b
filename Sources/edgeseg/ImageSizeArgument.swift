import ArgumentParser
import EdgeSegRuntime

/// `--size WIDTHxHEIGHT` on the host CLI, read as every front end reads it.
extension ImageSize: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
