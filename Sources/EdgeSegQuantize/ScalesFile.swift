import EdgeSegRuntime

/// scales.json: a calibration as human-readable JSON, tensors in forward order.
///
///     {"format": "edgeseg-scales", "version": 1, "model": "...", "method": "percentile", "percentile": 99.99,
///      "images": 62, "skipped": 0, "size": {"width": 480, "height": 360} or null,
///      "tensors": {"input": {"min": .., "max": .., "scale": .., "zero_point": .., "observed_min": .., "observed_max": ..}, ...}}
extension CalibrationResult {
    public static let fileFormat = "edgeseg-scales"
    public static let fileVersion = 2   // 2: "size" is {"width", "height"} (1 wrote "HxW")

    public func jsonText() -> String {
        var lines = [
            "  \"format\": \(JSONValue.quoted(Self.fileFormat))",
            "  \"version\": \(Self.fileVersion)",
            "  \"model\": \(JSONValue.quoted(model))",
            "  \"method\": \(JSONValue.quoted(method.name))",
        ]
        if case .percentile(let p) = method { lines.append("  \"percentile\": \(p)") }
        lines += [
            "  \"images\": \(imageCount)",
            "  \"skipped\": \(skippedCount)",
            "  \"size\": \(size.map { "{\"width\": \($0.width), \"height\": \($0.height)}" } ?? "null")",
        ]
        let tensorLines = names.compactMap { name -> String? in
            guard let t = tensors[name] else { return nil }
            return "    \(JSONValue.quoted(name)): {\"min\": \(t.min), \"max\": \(t.max), \"scale\": \(t.parameters.scale), "
                + "\"zero_point\": \(t.parameters.zeroPoint), \"observed_min\": \(t.observedMin), \"observed_max\": \(t.observedMax)}"
        }
        lines.append("  \"tensors\": {\n" + tensorLines.joined(separator: ",\n") + "\n  }")
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    public func save(path: String) throws(EdgeSegError) {
        try writeFileAtomically(path, Array(jsonText().utf8))
    }

    /// Reads a scales.json. With `config`, it must hold exactly that model's activation points.
    public static func load(path: String, config: SegFormerConfig? = nil) throws(EdgeSegError) -> CalibrationResult {
        let file = try MappedFile(path: path)
        return try parse(try JSONValue.parse(file.bytes, source: path), source: path, config: config)
    }

    /// Validates a parsed scales.json; `source` names it in errors.
    public static func parse(_ json: JSONValue, source: String, config: SegFormerConfig? = nil) throws(EdgeSegError) -> CalibrationResult {
        func fail(_ what: String) -> EdgeSegError { EdgeSegError(.json, "\(source): \(what)") }
        guard json.members != nil else { throw fail("expected an object, found \(json.typeName)") }
        guard json["format"]?.string == fileFormat else {
            throw fail("not an EdgeSeg scales file (\"format\" must be \"\(fileFormat)\")")
        }
        guard let version = json["version"]?.int, version == fileVersion else {
            throw fail("unsupported \"version\" \(json["version"].map(describe) ?? "(missing)"); this edgeseg reads version \(fileVersion)")
        }
        func field(_ key: String) throws(EdgeSegError) -> JSONValue {
            guard let v = json[key] else { throw fail("missing \"\(key)\"") }
            return v
        }
        guard let model = try field("model").string else { throw fail("\"model\" must be a string") }
        guard let images = try field("images").int, images >= 0, let skipped = try field("skipped").int, skipped >= 0 else {
            throw fail("\"images\" and \"skipped\" must be counts")
        }
        let method: CalibrationMethod
        switch try field("method").string {
        case "minmax": method = .minmax
        case "entropy": method = .entropy
        case "mse": method = .mse
        case "percentile":
            guard let p = try field("percentile").double else { throw fail("\"percentile\" must be a number") }
            method = .percentile(p)
        default: throw fail("\"method\" must be one of minmax, percentile, entropy, mse")
        }
        let sizeValue = try field("size")
        var size: ImageSize?
        if !sizeValue.isNull {
            guard let w = sizeValue["width"]?.int, let h = sizeValue["height"]?.int,
                  (1...ImageSize.maximumSide).contains(w), (1...ImageSize.maximumSide).contains(h) else {
                throw fail("\"size\" must be {\"width\": W, \"height\": H} with sides 1 to \(ImageSize.maximumSide), or null")
            }
            size = ImageSize(width: w, height: h)
        }
        guard let members = try field("tensors").members else { throw fail("\"tensors\" must be an object") }

        var names: [String] = [], tensors: [String: TensorCalibration] = [:]
        for member in members {
            let t = member.value
            func number(_ key: String) throws(EdgeSegError) -> Float {
                guard let d = t[key]?.double, Float(d).isFinite else {
                    throw fail("tensor \(member.key): \"\(key)\" must be a finite number")
                }
                return Float(d)
            }
            let min = try number("min"), max = try number("max")
            guard min <= max else { throw fail("tensor \(member.key): \"min\" \(min) is above \"max\" \(max)") }
            guard let scale = t["scale"]?.double, scale > 0, scale.isFinite else {
                throw fail("tensor \(member.key): \"scale\" must be a positive number")
            }
            guard let zero = t["zero_point"]?.int, zero >= -128, zero <= 127 else {
                throw fail("tensor \(member.key): \"zero_point\" must be an integer in [-128, 127]")
            }
            let observedMin = t["observed_min"] == nil ? min : try number("observed_min")
            let observedMax = t["observed_max"] == nil ? max : try number("observed_max")
            names.append(member.key)
            tensors[member.key] = TensorCalibration(observedMin: observedMin, observedMax: observedMax, min: min, max: max,
                                                    parameters: QuantizationParameters(scale: scale, zeroPoint: Int32(zero)))
        }
        if let config {
            let expected = ActivationPoint.all(config)
            if let missing = expected.first(where: { tensors[$0] == nil }) {
                throw fail("no scale for activation \(missing) of this model (\(expected.count) points expected, \(names.count) present; calibrated for another model?)")
            }
            if let extra = names.first(where: { !expected.contains($0) }) {
                throw fail("tensor \(extra) is not an activation of this model (calibrated for another model?)")
            }
        }
        return CalibrationResult(model: model, method: method, imageCount: images, skippedCount: skipped, size: size,
                                 names: names, tensors: tensors)
    }
}

private func describe(_ value: JSONValue) -> String {
    switch value {
    case .int(let i): "\(i)"
    case .string(let s): JSONValue.quoted(s)
    default: value.typeName
    }
}
