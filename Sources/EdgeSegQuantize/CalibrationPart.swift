import EdgeSegRuntime
import EdgeSegShards

/// `calibrate --shard K/N` writes its histograms as a part file (`ShardPart`, job "calibrate"); `calibrate
/// --merge` adds the parts' histograms up. The histograms' grid depends only on the values' range, never on
/// which images a shard saw, so the merge equals one run over all images exactly, for every method; the method
/// is applied at the merge (the histograms do not depend on it), so one set of shards serves all four.
///
/// Options (must match in every part): the resize `size` (or null) and the histograms' `bins`. Result: per
/// activation point in forward order, {"name", "exponent", "first_bin", "counts" (bin 0 through the maximum's
/// bin), "min", "max" (null when nothing was seen), "count", "non_finite"}.
extension CalibrationRun {
    public static let job = "calibrate"

    public func part(command: [String], shard: Shard, model: ModelIdentity, size: ImageSize?) -> ShardPart {
        let points = zip(statistics.names, statistics.histograms).map { name, h -> JSONValue in
            .object([
                JSONMember(key: "name", value: .string(name)),
                JSONMember(key: "exponent", value: .int(Int64(h.exponent))),
                JSONMember(key: "first_bin", value: .int(h.firstBin)),
                JSONMember(key: "counts", value: .array(h.occupiedCounts.map { .int(Int64($0)) })),
                JSONMember(key: "min", value: h.count > 0 ? .double(Double(h.minimum)) : .null),
                JSONMember(key: "max", value: h.count > 0 ? .double(Double(h.maximum)) : .null),
                JSONMember(key: "count", value: .int(Int64(h.count))),
                JSONMember(key: "non_finite", value: .int(Int64(h.nonFiniteCount))),
            ])
        }
        return ShardPart(job: Self.job, command: command, shard: shard, models: [model],
                         options: calibrationOptions(size: size, bins: statistics.histograms.first?.binCount ?? 0),
                         inputs: inputs, images: images, result: .object([JSONMember(key: "points", value: .array(points))]))
    }
}

/// Merges the parts of every shard of one `calibrate --shard` run (checked to belong together) into the
/// scales that an unsharded run with `method` gives, byte for byte; the model is named as the first shard
/// named it.
public func mergeCalibrationParts(_ paths: [String], method: CalibrationMethod) throws(EdgeSegError) -> CalibrationResult {
    try method.validate()
    let set = try ShardSet(paths: paths, job: CalibrationRun.job)
    let options = PartFields(set.parts[0].options, source: set.paths[0], location: "content.options")
    let bins = try options.count("bins")
    let size = try options.size("size")

    var total: ActivationStatistics?
    for (path, part) in zip(set.paths, set.parts) {
        let statistics = try readStatistics(part, source: path, bins: bins)
        if let total {
            guard statistics.names == total.names else {
                throw EdgeSegError(.usage, "\(path): other activation points than the first part's (another model version?)")
            }
            total.merge(statistics)
        } else {
            total = statistics
        }
    }
    let used = set.images.count { $0.size != nil }
    guard used > 0, let total else {
        throw EdgeSegError(.image, "none of the \(set.images.count) images of \(set.parts[0].inputs.folder) could be used in any shard")
    }
    return try CalibrationResult(model: set.parts[0].models[0].path, method: method, size: size, statistics: total,
                                 imageCount: used, skippedCount: set.images.count - used)
}

private func calibrationOptions(size: ImageSize?, bins: Int) -> JSONValue {
    .object([
        JSONMember(key: "size", value: sizeJSON(size)),
        JSONMember(key: "bins", value: .int(Int64(bins))),
    ])
}

private func readStatistics(_ part: ShardPart, source: String, bins: Int) throws(EdgeSegError) -> ActivationStatistics {
    let result = PartFields(part.result, source: source, location: "content.result")
    var names: [String] = [], histograms: [StreamingHistogram] = []
    for point in try result.array("points") {
        let name = try point.string("name")
        let minimum = try point.optional("min"), maximum = try point.optional("max")
        var counts: [UInt64] = []
        for c in try point.counts("counts") { counts.append(UInt64(c)) }
        let exponent = try point.int("exponent"), firstBin = Int64(try point.int("first_bin"))
        let count = UInt64(try point.count("count")), nonFinite = UInt64(try point.count("non_finite"))
        let lowest = minimum == nil ? Float.infinity : Float(try minimum!.double)
        let highest = maximum == nil ? -Float.infinity : Float(try maximum!.double)
        do {
            histograms.append(try StreamingHistogram(binCount: bins, exponent: exponent, firstBin: firstBin, occupied: counts,
                                                     minimum: lowest, maximum: highest, count: count, nonFiniteCount: nonFinite))
        } catch {
            throw point.fail("histogram of \(name): \(error.message)")
        }
        names.append(name)
    }
    return ActivationStatistics(names: names, histograms: histograms)
}
