import EdgeSegRuntime

/// The images of an evaluation folder, each with its label file (see `DatasetLayout`), in file-name order.
public struct LabeledDataset: Sendable {
    public struct Sample: Equatable, Sendable {
        /// The image's file name without its extension; the label has the same with `.png`.
        public var name: String
        public var imagePath: String
        /// nil in the `none` layout.
        public var labelPath: String?

        public init(name: String, imagePath: String, labelPath: String?) {
            self.name = name
            self.imagePath = imagePath
            self.labelPath = labelPath
        }
    }

    public let directory: String
    public let layout: DatasetLayout
    /// True when no layout was given and it was worked out from the folders.
    public let layoutWasDetected: Bool
    public let samples: [Sample]
    /// The loaded-label value that is not scored (give it to `ConfusionMatrix`); nil without labels.
    public let ignoreLabel: UInt8?

    /// Lists the images of `directory` and checks that each has its label.
    ///
    /// Without a `layout`: a folder with images/ and labels/ is read as `camvid` (label = class index),
    /// anything else as `none`. `ignoreLabel` is the stored label value not scored in the `camvid` layout
    /// (11 unless given); ADE20K ignores 0 by definition, and `none` has no labels.
    public init(directory: String, layout: DatasetLayout? = nil, ignoreLabel: UInt8? = nil) throws(EdgeSegError) {
        guard pathKind(directory) == .directory else {
            throw EdgeSegError(.io, "\(directory): no such data set folder")
        }
        let imagesFolder = joinPath(directory, "images"), labelsFolder = joinPath(directory, "labels")
        let chosen = layout ?? (pathKind(imagesFolder) == .directory && pathKind(labelsFolder) == .directory ? .camvid : .none)

        switch chosen {
        case .camvid:
            self.ignoreLabel = ignoreLabel ?? DatasetLayout.camvidIgnoreLabel
        case .ade20k:
            if let asked = ignoreLabel, asked != 0 {
                throw EdgeSegError(.usage, "\(directory): ADE20K labels ignore 0 by definition, not \(asked)")
            }
            self.ignoreLabel = DatasetLayout.ade20kIgnoreLabel
        case .none:
            if let asked = ignoreLabel {
                throw EdgeSegError(.usage, "\(directory): an ignore label (\(asked)) means nothing without labels (layout none)")
            }
            self.ignoreLabel = nil
        }

        var samples: [Sample] = []
        if chosen == .none {
            let folder = pathKind(imagesFolder) == .directory ? imagesFolder : directory
            for (name, file) in try imageFiles(in: folder) {
                samples.append(Sample(name: name, imagePath: joinPath(folder, file), labelPath: nil))
            }
        } else {
            for folder in [imagesFolder, labelsFolder] where pathKind(folder) != .directory {
                throw EdgeSegError(.io, "\(folder): missing; the \(chosen.rawValue) layout needs \(imagesFolder)/ and \(labelsFolder)/ with label PNGs named as the images")
            }
            for (name, file) in try imageFiles(in: imagesFolder) {
                let image = joinPath(imagesFolder, file), label = joinPath(labelsFolder, name + ".png")
                guard pathKind(label) == .file else {
                    throw EdgeSegError(.io, "\(image): no label \(label) (\(chosen.rawValue) layout: each image needs a label PNG of the same name)")
                }
                samples.append(Sample(name: name, imagePath: image, labelPath: label))
            }
        }
        self.directory = directory
        self.layout = chosen
        self.layoutWasDetected = layout == nil
        self.samples = samples
    }

    /// One line for the user: the layout and how it was chosen, the image count and what is ignored.
    public var summary: String {
        var text = "\(directory): \(samples.count) images, layout \(layout.rawValue)"
        if layoutWasDetected {
            text += layout == .camvid
                ? " (detected from images/ and labels/: label values are class indices; give the layout ade20k for ADE20K labels)"
                : " (detected: no images/ and labels/ folders, so no labels)"
        }
        if let ignored = ignoreLabel { text += ", label \(layout == .ade20k ? 0 : ignored) ignored" }
        return text
    }

    /// The sample's label as class indices (ignored pixels hold `ignoreLabel`), checked to be the size of
    /// its image.
    public func loadLabel(_ sample: Sample, width: Int, height: Int) throws(EdgeSegError) -> [UInt8] {
        guard let path = sample.labelPath else {
            throw EdgeSegError(.usage, "\(sample.imagePath): has no label (layout \(layout.rawValue))")
        }
        let label = try loadLabelImage(path: path)
        guard label.width == width && label.height == height else {
            throw EdgeSegError(.image, "\(path): label is \(label.width)x\(label.height) but its image \(sample.imagePath) is \(width)x\(height)")
        }
        return layout.classIndices(label.values)
    }
}

/// (name without extension, file name) of the PNG and JPEG files of a folder, by name; an error if there
/// are none or two share a name.
private func imageFiles(in folder: String) throws(EdgeSegError) -> [(name: String, file: String)] {
    var files: [(name: String, file: String)] = []
    for file in try imageFileNames(in: folder) {
        let name = String(file[..<file.lastIndex(of: ".")!])
        if let other = files.first(where: { $0.name == name }) {
            throw EdgeSegError(.usage, "\(folder): images \(other.file) and \(file) would share one label \(name).png")
        }
        files.append((name, file))
    }
    guard !files.isEmpty else {
        throw EdgeSegError(.io, "\(folder): no PNG or JPEG images")
    }
    return files
}
