import EdgeSegEval
import EdgeSegImport
import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// The eval report's pictures: which images are kept, and the HTML page as a browser draws it.
@Suite struct HTMLReportTests {
    /// The kept examples are the least agreeing images and one at the median, with the maps the models give.
    @Test func comparisonKeepsTheChosenImagesMaps() throws {
        let dataset = try LabeledDataset(directory: try SharedAssets.smallEvalFolder(5))
        let float = try FloatSegFormer(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel), decoder: .folded)
        let int8 = try SegFormerModel(path: try SmallModel.path)
        let comparison = try ModelComparison(float: float, int8: int8, dataset: dataset, size: ImageSize(width: 128, height: 96), examples: (2, 1))

        let sorted = comparison.perImage.sorted { ($0.agreement, $0.name) < ($1.agreement, $1.name) }
        #expect(comparison.examples.map(\.name) == [sorted[0].name, sorted[1].name, sorted[2].name])
        #expect(comparison.examples.map(\.kind) == [.worst, .worst, .typical])
        for example in comparison.examples {
            let sample = dataset.samples.first { $0.name == example.name }!
            let image = try loadImage(path: sample.imagePath)
            let pixels = try preprocess(image, size: ImageSize(width: 128, height: 96))
            #expect(example.image == image)
            #expect(example.int8Map == classMap(logits: try int8.forward(pixels).logits, height: image.height, width: image.width))
            #expect(example.floatMap == classMap(logits: try float.forward(pixels).logits, height: image.height, width: image.width))
            #expect(example.labels == (try dataset.loadLabel(sample, width: image.width, height: image.height)))
        }
    }

    /// `edgeseg eval --report` writes report.html; headless Chromium draws it without console errors, with
    /// every picture loaded and the class, bar and per-layer column colours on screen. report.json lists every
    /// layer's SQNR in forward order, report.md the same worst first.
    @Test func reportRendersInChromium() throws {
        let data = try SharedAssets.smallEvalFolder(4)
        let report = SharedAssets.scratchDirectory()
        let run = try runEdgeSeg(["eval", "--float", SharedAssets.camvidModel, "--model", try SmallModel.path,
                                  "--data", data, "--size", "128x96", "--report", report])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: report + "/report.html", encoding: .utf8)
        // 4 images, all among the 5 worst: input, fp32, int8 and difference each.
        #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == 16)
        #expect(!html.contains("<script") && !html.contains("http"))
        let points = ActivationPoint.all(try loadHuggingFaceCheckpoint(directory: SharedAssets.camvidModel).config)
        let marked = html.components(separatedBy: "<div class=\"layer worst\"").count - 1
        #expect(html.components(separatedBy: "<div class=\"layer\"").count - 1 + marked == points.count)
        #expect(marked == EvalReport.markedLayers)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report + "/report.json"))) as? [String: Any]
        let layers = try #require(json?["layers"] as? [[String: Any]])
        #expect(layers.compactMap { $0["name"] as? String } == points)
        let decibels = layers.compactMap { $0["sqnr_db"] as? Double }
        #expect(decibels.count == points.count)
        #expect(layers.allSatisfy { ($0["scale"] as? Double).map { $0 > 0 } == true })
        // The Markdown table: one row per layer, lowest SQNR first.
        let markdown = try String(contentsOfFile: report + "/report.md", encoding: .utf8)
        let rows = markdown.components(separatedBy: "| layer | SQNR (dB) | scale |\n|---|---|---|\n").last!
            .split(separator: "\n").filter { $0.hasPrefix("| ") }.map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(rows.count == points.count)
        #expect(rows.first?.first == points[decibels.firstIndex(of: decibels.min()!)!])
        let column = rows.compactMap { Double($0[1]) }
        #expect(column.count == points.count && column == column.sorted())
        #expect(run.stdout.contains("| layer | SQNR (dB) | scale |"))

        let page = "file://" + report + "/report.html"
        try requireTool("chromium", package: "chromium")
        let dom = try runProcess(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page])
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(dom.stdout.components(separatedBy: "<img ").count - 1 == 16)

        let screenshot = report + "/screenshot.png"
        let shot = try runProcess(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                   "--enable-logging=stderr", "--v=0", "--screenshot=" + screenshot,
                                   "--window-size=1200,2000", page])
        #expect(shot.status == 0, "\(shot.stderr)")
        #expect(!shot.stderr.contains("Uncaught") && !shot.stderr.contains("CONSOLE"), "\(shot.stderr)")

        let picture = try loadImage(path: screenshot)
        #expect(picture.width == 1200 && picture.height == 2000)
        var colours = Set<UInt32>()
        for i in stride(from: 0, to: picture.pixels.count, by: 3) {
            colours.insert(UInt32(picture.pixels[i]) << 16 | UInt32(picture.pixels[i + 1]) << 8 | UInt32(picture.pixels[i + 2]))
        }
        #expect(colours.count > 1000, "the screenshot has only \(colours.count) colours")
        // The fp32 bars (#3b6fb6), the per-layer columns (#7a4fb5, the lowest #d1495b) and CamVid's road colour
        // in the masks.
        #expect(colours.contains(0x3b6fb6))
        #expect(colours.contains(0x7a4fb5) && colours.contains(0xd1495b))
        #expect(colours.contains(0x804080))
    }
}
