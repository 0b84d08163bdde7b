import ArgumentParser
import EdgeSegRuntime

/// `--max-pixels`, in every host command that reads images (segment and camera take it through their shared
/// Foundation-free parsers): the process's `PixelBudget`.
struct PixelBudgetOption: ParsableArguments {
    @Option(help: "Refuse images of more than N pixels, checked from the file's header before decoding (default 67108864, 8192x8192).")
    var maxPixels: Int?

    /// Sets `PixelBudget.maxPixels`; call before reading any image.
    func apply() throws(EdgeSegError) {
        guard let maxPixels else { return }
        guard (1...PixelBudget.largestMaxPixels).contains(maxPixels) else {
            throw EdgeSegError(.usage, "--max-pixels \(maxPixels): expected a whole number from 1 to \(PixelBudget.largestMaxPixels)")
        }
        PixelBudget.maxPixels = maxPixels
    }
}
