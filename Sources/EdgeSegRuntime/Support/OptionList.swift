/// One command's arguments as the Foundation-free front ends parse them (the Pi binary's commands, and the
/// camera and segment commands of both front ends): `--name value` or `--name=value` options, `--flag`
/// switches and, where a command takes them, operands; `--` ends the options. Only the names a command
/// declares are accepted, each at most once. `--help` is the caller's to look for before parsing.
public struct OptionList {
    private var values: [(name: String, value: String)] = []
    private var flags: [String] = []
    public private(set) var operands: [String] = []

    public init(_ arguments: [String], options: [String], flags flagNames: [String] = [],
                operands allowed: Bool = false) throws(EdgeSegError) {
        var i = 0
        var optionsEnded = false
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            if optionsEnded || !argument.hasPrefix("--") {
                guard allowed else {
                    throw EdgeSegError(.usage, "unexpected argument '\(argument)' (options start with --)")
                }
                operands.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if flagNames.contains(name) {
                guard value == nil else { throw EdgeSegError(.usage, "--\(name) takes no value") }
                guard !flags.contains(name) else { throw EdgeSegError(.usage, "--\(name) is given twice") }
                flags.append(name)
                continue
            }
            guard options.contains(name) else {
                let known = (options + flagNames).map { "--" + $0 }.joined(separator: ", ")
                throw EdgeSegError(.usage, "unknown option --\(name); this command takes \(known)")
            }
            if value == nil {
                guard i < arguments.count else { throw EdgeSegError(.usage, "--\(name) needs a value") }
                value = arguments[i]
                i += 1
            }
            guard self.value(name) == nil else { throw EdgeSegError(.usage, "--\(name) is given twice") }
            values.append((name, value!))
        }
    }

    public func value(_ name: String) -> String? {
        for option in values where option.name == name { return option.value }
        return nil
    }

    public func flag(_ name: String) -> Bool { flags.contains(name) }

    public func required(_ name: String) throws(EdgeSegError) -> String {
        guard let value = value(name) else { throw EdgeSegError(.usage, "--\(name) is required") }
        return value
    }

    /// A WIDTHxHEIGHT size, if given.
    public func size(_ name: String) throws(EdgeSegError) -> ImageSize? {
        guard let text = value(name) else { return nil }
        return try ImageSize.parse(text, option: name)
    }

    /// `--max-pixels N`, when given, becomes the process's `PixelBudget` (every command that reads images takes it).
    public func applyMaxPixels() throws(EdgeSegError) {
        if let n = try integer("max-pixels", in: 1...PixelBudget.largestMaxPixels) { PixelBudget.maxPixels = n }
    }

    /// A whole number in `range`, if given.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(EdgeSegError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw EdgeSegError(.usage, "--\(name) \(text): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// A thread count, if given.
    public func threads() throws(EdgeSegError) -> Int? { try integer("threads", in: 1...256) }

    /// The board profile `--board` names, if given.
    public func board() throws(EdgeSegError) -> BoardProfile? {
        try value("board").map { name throws(EdgeSegError) in try BoardProfile.named(name) }
    }
}
