import EdgeSegRuntime

/// One command's arguments: `--name value` (or `--name=value`) options and positional operands, in any order;
/// `--` ends the options. Only the options a command names are accepted, each at most once.
struct ArgumentList {
    private var values: [(name: String, value: String)] = []
    private(set) var operands: [String] = []

    init(_ arguments: [String], options: [String]) throws(DeviceError) {
        var i = 0
        var optionsEnded = false
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            if !optionsEnded && (argument == "--help" || argument == "-h") { throw .helpRequested }
            guard !optionsEnded, argument.hasPrefix("--") else {
                operands.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else {
                guard i < arguments.count else { throw .usage("--\(name) needs a value") }
                value = arguments[i]
                i += 1
            }
            guard options.contains(name) else {
                let known = options.map { "--" + $0 }.joined(separator: ", ")
                throw .usage("unknown option --\(name); this command takes \(known)")
            }
            guard self.value(name) == nil else { throw .usage("--\(name) is given twice") }
            values.append((name, value))
        }
    }

    func value(_ name: String) -> String? {
        for option in values where option.name == name { return option.value }
        return nil
    }

    func required(_ name: String) throws(DeviceError) -> String {
        guard let value = value(name) else { throw .usage("--\(name) is required") }
        return value
    }

    /// A `HxW` size (height first, as `edgeseg` takes it), if given.
    func size(_ name: String) throws(DeviceError) -> (height: Int, width: Int)? {
        guard let text = value(name) else { return nil }
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h > 0, w > 0, h <= 16384, w <= 16384 else {
            throw .usage("--\(name) \(text): expected HEIGHTxWIDTH, e.g. 360x480")
        }
        return (h, w)
    }

    /// A positive whole number (a thread count), if given.
    func count(_ name: String) throws(DeviceError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), n >= 1, n <= 256 else { throw .usage("--\(name) \(text): expected a whole number from 1 to 256") }
        return n
    }

    /// The board profile `--board` names, if given.
    func board() throws(DeviceError) -> BoardProfile? {
        guard let name = value("board") else { return nil }
        do {
            return try BoardProfile.named(name)
        } catch {
            throw .usage(error.message)
        }
    }
}
