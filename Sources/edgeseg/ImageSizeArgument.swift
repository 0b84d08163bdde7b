import ArgumentParser

/// A `HxW` size on the command line (height first, as PyTorch and the golden files name sizes: 360x480).
struct ImageSizeArgument: ExpressibleByArgument, CustomStringConvertible {
    let height: Int
    let width: Int

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x")
        guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h > 0, w > 0, h <= 16384, w <= 16384 else {
            return nil
        }
        height = h
        width = w
    }

    var description: String { "\(height)x\(width)" }
}
