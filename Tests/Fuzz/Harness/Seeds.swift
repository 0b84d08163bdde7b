import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation

/// Seed corpora, one folder per target, from the real assets: the CamVid model quantized (minmax at 128x96, as
/// the tests' small model) and its scales.json, both models' config.json, a small safetensors file with the
/// CamVid checkpoint's smallest tensors, the image fixtures and CamVid and ADE20K pictures and labels, and
/// the live view's requests.
func writeSeeds(to out: String, shared: String, fixtures: String) throws(EdgeSegError) {
    func folder(_ target: FuzzTarget) -> String {
        let path = out + "/" + target.rawValue
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
    func copy(_ source: String, _ target: FuzzTarget) {
        try? FileManager.default.copyItem(atPath: source, toPath: folder(target) + "/" + (source as NSString).lastPathComponent)
    }
    func files(_ directory: String, _ suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
            .map { directory + "/" + $0 }
    }
    let camvid = shared + "/assets/models/segformer-b0-camvid"
    let calibration = try calibrate(modelDirectory: camvid, imagesDirectory: shared + "/assets/camvid/calib", method: .minmax,
                                    size: ImageSize(width: 128, height: 96))
    try calibration.save(path: folder(.scales) + "/scales.json")
    let checkpoint = try loadHuggingFaceCheckpoint(directory: camvid)
    try Int8Quantizer.quantize(checkpoint, activations: calibration.activationParameters).write(to: folder(.model) + "/camvid-small.edgeseg")

    for model in ["segformer-b0-camvid", "segformer-b0-ade-layout-random"] {
        try? FileManager.default.copyItem(atPath: shared + "/assets/models/\(model)/config.json", toPath: folder(.config) + "/\(model).json")
    }
    // The smallest tensors (LayerNorm and bias vectors) with their real values.
    let weights = try SafeTensorsFile(path: camvid + "/model.safetensors")
    var header: [JSONMember] = [], data: [UInt8] = []
    for name in weights.names.sorted().prefix(400) where (weights.info(name)?.shape.reduce(1, *) ?? 0) <= 64 {
        guard let info = weights.info(name), info.dtype == "F32", let tensor = try? weights.floatTensor(name) else { continue }
        header.append(JSONMember(key: name, value: .object([
            JSONMember(key: "dtype", value: .string("F32")),
            JSONMember(key: "shape", value: .array(info.shape.map { .int(Int64($0)) })),
            JSONMember(key: "data_offsets", value: .array([.int(Int64(data.count)), .int(Int64(data.count + 4 * tensor.count))])),
        ])))
        for v in tensor.data { data += withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
        if header.count == 12 { break }
    }
    let head = Array(try JSONValue.object(header).serialized().utf8)
    FileManager.default.createFile(atPath: folder(.safetensors) + "/small.safetensors",
                                   contents: Data(withUnsafeBytes(of: UInt64(head.count).littleEndian, Array.init) + head + data))

    for png in files(fixtures + "/images", ".png") { copy(png, .png); copy(png, .labels) }
    for jpeg in files(fixtures + "/images", ".jpg") + files(shared + "/assets/ade20k/images", ".jpg") { copy(jpeg, .jpeg) }
    copy(files(shared + "/assets/camvid/eval/images", ".png")[0], .png)
    for label in files(shared + "/assets/camvid/eval/labels", ".png").prefix(2) + files(shared + "/assets/ade20k/labels", ".png").prefix(1) {
        copy(label, .labels)
    }
    let requests = ["GET / HTTP/1.1\r\nHost: pi:8080\r\n\r\n", "GET /stats.json HTTP/1.0\r\n\r\n",
                    "GET /frame.png?t=1 HTTP/1.1\r\nUser-Agent: x\r\nAccept: */*\r\n\r\n", "POST / HTTP/1.1\r\n\r\n"]
    for (i, request) in requests.enumerated() {
        FileManager.default.createFile(atPath: folder(.http) + "/request-\(i)", contents: Data(request.utf8))
    }
}
