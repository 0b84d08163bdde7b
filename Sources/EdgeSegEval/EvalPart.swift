import EdgeSegRuntime
import EdgeSegShards

/// `eval --shard K/N` writes its share of the comparison as a part file (`ShardPart`, job "eval"); `eval
/// --merge` reads every shard's part and sums the images in data-set order, as one unsharded run does, so the
/// merged comparison equals the unsharded one bit for bit.
///
/// Options (must match in every part): the run `size` (or null), the label `layout` and `ignore` label. Result:
/// the class `labels`; the `float` and `int8` confusion matrices of the shard ({"classes", "ignored_labels",
/// "counts" row by row, "ignored_pixels"}, null without labels); the int8 `layers` (name, scale, zero point);
/// and per image, in the order of the part's images, {"agreeing", "pixels", "logit": [signal, noise],
/// "layers": [signal, noise, ...] per layer}.
extension ModelComparison {
    public static let shardJob = "eval"

    /// What must be the same in every shard of one evaluation.
    public static func shardOptions(dataset: LabeledDataset, size: ImageSize?) -> JSONValue {
        .object([
            JSONMember(key: "size", value: sizeJSON(size)),
            JSONMember(key: "layout", value: .string(dataset.layout.rawValue)),
            JSONMember(key: "ignore", value: dataset.ignoreLabel.map { .int(Int64($0)) } ?? .null),
        ])
    }

    /// This comparison (of the images `shard` takes) as a part file.
    public func part(command: [String], shard: Shard, models: [ModelIdentity], dataset: LabeledDataset, size: ImageSize?,
                     labels: [String]) -> ShardPart {
        func sums(_ s: LogitSQNR) -> [JSONValue] { [.double(s.signalEnergy), .double(s.noiseEnergy)] }
        let result = JSONValue.object([
            JSONMember(key: "labels", value: .array(labels.map { .string($0) })),
            JSONMember(key: "float", value: float.map(matrixJSON) ?? .null),
            JSONMember(key: "int8", value: int8.map(matrixJSON) ?? .null),
            JSONMember(key: "layers", value: .array(layers.layers.map {
                .object([JSONMember(key: "name", value: .string($0.name)), JSONMember(key: "scale", value: .double($0.parameters.scale)),
                         JSONMember(key: "zero_point", value: .int(Int64($0.parameters.zeroPoint)))])
            })),
            JSONMember(key: "images", value: .array(images.map { image in
                .object([
                    JSONMember(key: "agreeing", value: .int(Int64(image.agreement.agreeingPixels))),
                    JSONMember(key: "pixels", value: .int(Int64(image.agreement.totalPixels))),
                    JSONMember(key: "logit", value: .array(sums(image.logitSQNR))),
                    JSONMember(key: "layers", value: .array(image.layerSQNR.flatMap(sums))),
                ])
            })),
        ])
        return ShardPart(job: Self.shardJob, command: command, shard: shard, models: models,
                         options: Self.shardOptions(dataset: dataset, size: size),
                         inputs: ShardPart.Inputs(folder: dataset.directory, names: dataset.samples.map(\.name)),
                         images: images.map { ShardPart.Image(position: $0.position, name: $0.name, size: $0.size) },
                         result: result)
    }

    /// Merges the parts of every shard of one `eval --shard` run (checked to belong together). Returns the
    /// comparison (without examples: `addExamples` computes them with the models), the class labels and the
    /// checked parts (their models, data folder and options).
    public static func merging(_ paths: [String]) throws(EdgeSegError) -> (comparison: ModelComparison, labels: [String], shards: ShardSet) {
        let set = try ShardSet(paths: paths, job: shardJob)
        var labels: [String] = [], points: [(name: String, parameters: QuantizationParameters)] = []
        var float: ConfusionMatrix?, int8: ConfusionMatrix?
        var images: [ImageComparison] = []
        for (k, (path, part)) in zip(set.paths, set.parts).enumerated() {
            let result = PartFields(part.result, source: path, location: "content.result")
            var partLabels: [String] = []
            for label in try result.array("labels") {
                guard let s = label.value.string else { throw label.fail("expected a string") }
                partLabels.append(s)
            }
            var partPoints: [(name: String, parameters: QuantizationParameters)] = []
            for layer in try result.array("layers") {
                partPoints.append((try layer.string("name"), QuantizationParameters(scale: try layer.double("scale"), zeroPoint: Int32(try layer.int("zero_point")))))
            }
            let partFloat = try readMatrix(result, "float"), partInt8 = try readMatrix(result, "int8")
            if k == 0 {
                (labels, points, float, int8) = (partLabels, partPoints, partFloat, partInt8)
            } else {
                guard partLabels == labels, partPoints.map(\.name) == points.map(\.name),
                      partPoints.map(\.parameters) == points.map(\.parameters) else {
                    throw EdgeSegError(.usage, "\(path): other classes or int8 layers than \(set.paths[0])")
                }
                guard (partFloat == nil) == (float == nil), (partInt8 == nil) == (int8 == nil) else {
                    throw EdgeSegError(.usage, "\(path): labels scored here and not in \(set.paths[0]), or the reverse")
                }
                if let partFloat { try float?.merge(partFloat) }
                if let partInt8 { try int8?.merge(partInt8) }
            }
            let records = try result.array("images")
            guard records.count == part.images.count else {
                throw result.fail("\(records.count) image results for the part's \(part.images.count) images")
            }
            for (image, record) in zip(part.images, records) {
                guard let size = image.size else { throw record.fail("image \(image.name) has no size") }
                let logit = try record.doubles("logit"), layerSums = try record.doubles("layers")
                guard logit.count == 2, layerSums.count == 2 * points.count else {
                    throw record.fail("expected 2 logit sums and 2 per layer (\(2 * points.count)), found \(logit.count) and \(layerSums.count)")
                }
                let agreeing = try record.count("agreeing"), pixels = try record.count("pixels")
                guard agreeing <= pixels else { throw record.fail("\(agreeing) agreeing pixels of \(pixels)") }
                images.append(ImageComparison(
                    position: image.position, name: image.name, size: size,
                    agreement: Agreement(agreeingPixels: agreeing, totalPixels: pixels),
                    logitSQNR: LogitSQNR(signalEnergy: logit[0], noiseEnergy: logit[1]),
                    layerSQNR: (0..<points.count).map { LogitSQNR(signalEnergy: layerSums[2 * $0], noiseEnergy: layerSums[2 * $0 + 1]) }))
            }
        }
        images.sort { $0.position < $1.position }
        return (ModelComparison(float: float, int8: int8, layers: LayerSQNR(points: points), images: images), labels, set)
    }
}

private func matrixJSON(_ m: ConfusionMatrix) -> JSONValue {
    .object([
        JSONMember(key: "classes", value: .int(Int64(m.classCount))),
        JSONMember(key: "ignored_labels", value: .array(m.ignoredLabels.map { .int(Int64($0)) })),
        JSONMember(key: "counts", value: .array(m.counts.map { .int(Int64($0)) })),
        JSONMember(key: "ignored_pixels", value: .int(Int64(m.ignoredPixels))),
    ])
}

private func readMatrix(_ result: PartFields, _ key: String) throws(EdgeSegError) -> ConfusionMatrix? {
    guard let m = try result.optional(key) else { return nil }
    var ignored: [UInt8] = []
    for label in try m.counts("ignored_labels") {
        guard label <= 255 else { throw m.fail("ignored label \(label) is not a byte") }
        ignored.append(UInt8(label))
    }
    let classes = try m.int("classes"), counts = try m.counts("counts"), ignoredPixels = try m.count("ignored_pixels")
    do {
        return try ConfusionMatrix(classCount: classes, ignoredLabels: ignored, counts: counts, ignoredPixels: ignoredPixels)
    } catch {
        throw m.fail(error.message)
    }
}

extension ShardSet {
    /// The data set and run size the shards of an `eval --shard` run used, read again from the folder they
    /// recorded (for the merged comparison's example images); fails if the folder's images changed since.
    public func evalDataset() throws(EdgeSegError) -> (dataset: LabeledDataset, size: ImageSize?) {
        let part = parts[0]
        let options = PartFields(part.options, source: paths[0], location: "content.options")
        let layoutName = try options.string("layout")
        guard let layout = DatasetLayout(rawValue: layoutName) else { throw options.fail("unknown label layout \"\(layoutName)\"") }
        let ignore = try options.optional("ignore")
        let ignoreLabel = ignore == nil ? nil : UInt8(exactly: try ignore!.int)
        let dataset = try LabeledDataset(directory: part.inputs.folder, layout: layout, ignoreLabel: ignoreLabel)
        guard ShardPart.Inputs(folder: dataset.directory, names: dataset.samples.map(\.name)) == part.inputs else {
            throw EdgeSegError(.usage, "\(part.inputs.folder): its images changed since the shards ran (\(dataset.samples.count) now, \(part.inputs.count) then, or other names)")
        }
        return (dataset, try options.size("size"))
    }
}
