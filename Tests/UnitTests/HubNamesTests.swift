import Foundation
import TestSupport
import Testing

/// The hub's tensor names are spelled in one Swift file (Model/HubNames.swift); every other place asks it, so a
/// renamed tensor is one edit.
@Suite struct HubNamesTests {
    @Test func hubNameFragmentsAreInOneSourceFile() throws {
        let fragments = ["attention.self", "attention.output", "linear_c", "linear_fuse", "patch_embeddings", "layer_norm_1",
                         "layer_norm_2", "dwconv.dwconv", "mlp.dense", "decode_head", "segformer.encoder", "batch_norm"]
        let sources = SharedAssets.projectRoot.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        var spelling: [String: [String]] = [:]
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for fragment in fragments where text.contains(fragment) { spelling[fragment, default: []].append(file) }
        }
        #expect(Set(spelling.values.flatMap { $0 }) == ["EdgeSegRuntime/Model/HubNames.swift"], "\(spelling)")
        #expect(spelling.count == fragments.count, "a fragment is spelled nowhere: \(spelling.keys.sorted())")
    }
}
