/// The one error type of the runtime. Embedded Swift has no `any Error`, so everything that can fail
/// throws this, typed: `throws(EdgeSegError)`. The message names the file, tensor or value that is wrong.
public struct EdgeSegError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case io            // a file could not be opened, read or written
        case json          // malformed JSON
        case config        // config.json is missing a field or has an impossible value
        case checkpoint    // a safetensors file or tensor is wrong
        case image         // an image could not be decoded or encoded
        case usage         // the caller asked for something impossible (bad size, ...)
        case network       // a download failed
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
