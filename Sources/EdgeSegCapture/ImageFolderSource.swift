import CEdgeSeg
import EdgeSegRuntime

/// `--source DIR`: the folder's PNG and JPEG files, sorted by name, through the same pipeline as camera
/// frames, but lossless: each image waits until the model took the previous one, so every image is
/// segmented (recorded data and tests want all of them, not the newest).
struct ImageFolderSource {
    let pipeline: CameraPipeline
    let folder: String

    func run() -> Int32 {
        let options = pipeline.options
        let names: [String]
        do throws(EdgeSegError) {
            names = try imageFileNames(in: folder)
            guard !names.isEmpty else { throw EdgeSegError(.io, "\(folder): no PNG or JPEG images in this folder") }
            try pipeline.start()
        } catch {
            complain("edgeseg camera: error: \(error.message)")
            return CameraExitStatus.failed
        }
        let count = min(names.count, options.frames ?? names.count)
        pipeline.note("source: \(folder) (\(count) images)")
        var status = CameraExitStatus.done
        for (index, name) in names.prefix(count).enumerated() {
            let image: RGBImage
            do throws(EdgeSegError) {
                let path = joinPath(folder, name)
                es_fatal_signals_context("camera", path)   // what a crash report names (the Pi binary installs it)
                image = try loadImage(path: path)
            } catch {
                complain("edgeseg camera: error: \(error.message)")
                status = CameraExitStatus.failed
                break
            }
            guard pipeline.offerWithoutDropping(CapturedFrame(image: image, number: index + 1, name: stem(name), capturedAt: 0))
            else { break }
            pipeline.reportIfDue()
        }
        if options.http != nil && status == CameraExitStatus.done && !shouldStop {
            while !pipeline.slot.waitUntilDrained(timeoutMs: 200) && !shouldStop { pipeline.reportIfDue() }
            pipeline.note("source done: serving the last overlay until stopped (Ctrl-C)")
            while !shouldStop { es_sleep_ms(200) }
        }
        pipeline.finish()
        return status
    }

    private var shouldStop: Bool { pipeline.shouldStop }
}

/// A file name without its extension.
private func stem(_ name: String) -> String {
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
    return String(name[..<dot])
}
