/// The config as `config.json` spells it: how Hugging Face checkpoints carry it, and how `.edgeseg` model
/// files carry it in their metadata, so one parser serves both.
extension SegFormerConfig {
    /// Required: hidden_sizes, depths, num_attention_heads, sr_ratios, patch_sizes, strides, mlp_ratios,
    /// decoder_hidden_size, and num_labels or id2label (or both, then they must agree). Optional with the
    /// `transformers` defaults: num_channels (3), layer_norm_eps (1e-6). Other keys are ignored.
    /// A missing or ill-typed field is a `.config` error naming `source` and the field.
    public init(huggingFaceJSON json: JSONValue, source path: String) throws(EdgeSegError) {
        guard json.members != nil else {
            throw EdgeSegError(.config, "\(path): expected a JSON object at the top level, found \(json.typeName)")
        }
        let fields = ConfigFields(json: json, path: path)
        let labels = try fields.labels()
        self.init(
            numChannels: try fields.int("num_channels", default: 3),
            hiddenSizes: try fields.intList("hidden_sizes"),
            depths: try fields.intList("depths"),
            numAttentionHeads: try fields.intList("num_attention_heads"),
            srRatios: try fields.intList("sr_ratios"),
            patchSizes: try fields.intList("patch_sizes"),
            strides: try fields.intList("strides"),
            mlpRatios: try fields.intList("mlp_ratios"),
            decoderHiddenSize: try fields.int("decoder_hidden_size"),
            layerNormEps: Float(try fields.number("layer_norm_eps", default: 1e-6)),
            numLabels: labels.count,
            labels: labels.names
        )
        do {
            try validate()
        } catch {
            throw EdgeSegError(.config, "\(path): \(error.message)")
        }
    }

    /// The fields `init(huggingFaceJSON:source:)` reads, with id2label holding the class names.
    public var huggingFaceJSON: JSONValue {
        func ints(_ list: [Int]) -> JSONValue { .array(list.map { .int(Int64($0)) }) }
        return .object([
            JSONMember(key: "model_type", value: .string("segformer")),
            JSONMember(key: "num_channels", value: .int(Int64(numChannels))),
            JSONMember(key: "hidden_sizes", value: ints(hiddenSizes)),
            JSONMember(key: "depths", value: ints(depths)),
            JSONMember(key: "num_attention_heads", value: ints(numAttentionHeads)),
            JSONMember(key: "sr_ratios", value: ints(srRatios)),
            JSONMember(key: "patch_sizes", value: ints(patchSizes)),
            JSONMember(key: "strides", value: ints(strides)),
            JSONMember(key: "mlp_ratios", value: ints(mlpRatios)),
            JSONMember(key: "decoder_hidden_size", value: .int(Int64(decoderHiddenSize))),
            JSONMember(key: "layer_norm_eps", value: .double(Double(layerNormEps))),
            JSONMember(key: "num_labels", value: .int(Int64(numLabels))),
            JSONMember(key: "id2label", value: .object(labels.enumerated().map { JSONMember(key: "\($0.offset)", value: .string($0.element)) })),
        ])
    }
}

/// Typed access to the top-level fields of one config.json, with errors that name the file and field.
private struct ConfigFields {
    let json: JSONValue
    let path: String

    func fail(_ field: String, _ problem: String) -> EdgeSegError {
        EdgeSegError(.config, "\(path): field \(field) \(problem)")
    }

    func int(_ field: String, default fallback: Int? = nil) throws(EdgeSegError) -> Int {
        guard let value = json[field] else {
            if let fallback { return fallback }
            throw fail(field, "is missing")
        }
        guard let i = value.int else { throw fail(field, "is \(value.typeName), expected an integer") }
        return i
    }

    func number(_ field: String, default fallback: Double) throws(EdgeSegError) -> Double {
        guard let value = json[field] else { return fallback }
        guard let d = value.double else { throw fail(field, "is \(value.typeName), expected a number") }
        return d
    }

    func intList(_ field: String) throws(EdgeSegError) -> [Int] {
        guard let value = json[field] else { throw fail(field, "is missing") }
        guard let items = value.array else { throw fail(field, "is \(value.typeName), expected an array of integers") }
        var list: [Int] = []
        for (i, item) in items.enumerated() {
            guard let v = item.int else { throw fail(field, "has \(item.typeName) at index \(i), expected an integer") }
            list.append(v)
        }
        return list
    }

    /// The class count and names from num_labels and/or id2label ({"0": "wall", ...}).
    func labels() throws(EdgeSegError) -> (count: Int, names: [String]?) {
        var declared: Int? = nil
        if json["num_labels"] != nil {
            let n = try int("num_labels")
            // Checked here, before a list of names that long is made.
            guard n >= 1 && n <= SegFormerConfig.maxCount else { throw fail("num_labels", "= \(n) is outside 1...\(SegFormerConfig.maxCount)") }
            declared = n
        }
        guard let id2label = json["id2label"] else {
            guard let declared else { throw fail("num_labels", "is missing (and there is no id2label to count)") }
            return (declared, nil)
        }
        guard let members = id2label.members else {
            throw fail("id2label", "is \(id2label.typeName), expected an object of index: name")
        }
        let count = declared ?? members.count
        if let declared, declared != members.count {
            throw fail("num_labels", "is \(declared) but id2label has \(members.count) entries")
        }
        var names = [String?](repeating: nil, count: count)
        for m in members {
            guard let index = Int(m.key), index >= 0, index < count else {
                throw fail("id2label", "has key \"\(m.key)\", expected an index 0...\(count - 1)")
            }
            guard let name = m.value.string else {
                throw fail("id2label", "entry \"\(m.key)\" is \(m.value.typeName), expected a string")
            }
            names[index] = name
        }
        var result: [String] = []
        for (i, name) in names.enumerated() {
            guard let name else { throw fail("id2label", "has no entry for index \(i)") }
            result.append(name)
        }
        return (count, result)
    }
}
