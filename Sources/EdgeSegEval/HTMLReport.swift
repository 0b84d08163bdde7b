import EdgeSegRuntime
import Foundation

/// The comparison as one self-contained web page: summary table, per-class IoU bars, per-layer SQNR columns
/// and the example images (embedded PNGs; no scripts, fonts or other files).
extension EvalReport {
    /// Example pictures are shrunk by a whole step until their longer side is at most this many pixels.
    public static let pictureSide = 480

    public func html() throws(EdgeSegError) -> String {
        let c = comparison
        let palette = Palette(classCount: labels.count)
        var s = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>EdgeSeg: int8 vs fp32</title>
            <style>\(Self.style)</style></head><body>
            <h1>int8 vs fp32</h1>
            <p>\(images) images; int8 class maps compared pixel by pixel with the fp32 model's.</p>
            <h2>Summary</h2>
            <table><tr><th></th><th>fp32</th><th>int8</th><th>int8 − fp32</th></tr>

            """
        if let f = c.float, let q = c.int8 {
            s += "<tr><td>mIoU (%)</td><td>\(fixed(f.meanIoU))</td><td>\(fixed(q.meanIoU))</td><td>\(difference(q.meanIoU, f.meanIoU))</td></tr>\n"
            s += "<tr><td>pixel accuracy (%)</td><td>\(fixed(f.pixelAccuracy))</td><td>\(fixed(q.pixelAccuracy))</td><td>\(difference(q.pixelAccuracy, f.pixelAccuracy))</td></tr>\n"
        }
        s += "<tr><td>int8-vs-fp32 pixel agreement (%)</td><td colspan=\"3\">\(fixed(c.agreement.percent))</td></tr>\n"
        s += "<tr><td>int8 logit SQNR (dB)</td><td colspan=\"3\">\(fixed(c.logitSQNR.decibels))</td></tr>\n</table>\n"

        s += "<h2>Per-class IoU (%)</h2>\n"
        if let f = c.float, let q = c.int8 {
            s += "<p class=\"legend\"><span class=\"key fp32\"></span>fp32 <span class=\"key int8\"></span>int8</p>\n<div class=\"chart\">\n"
            for (i, name) in labels.enumerated() {
                s += "<div class=\"label\">\(escapeHTML(name))</div><div class=\"bars\">"
                for (kind, value) in [("fp32", f.iou(ofClass: i)), ("int8", q.iou(ofClass: i))] {
                    let width = value.map { max(0, min(100, $0)) } ?? 0
                    s += "<div class=\"bar-line\"><div class=\"bar \(kind)\" style=\"width:\(fixed(width))%\"></div><span>\(fixed(value))</span></div>"
                }
                s += "</div>\n"
            }
            s += "</div>\n"
        } else {
            s += "<p>No labels: nothing to score.</p>\n"
        }

        s += Self.layerChart(c.layers)

        s += "<h2>Images</h2>\n<p class=\"legend\">Classes: " + labels.enumerated().map { i, name in
            let colour = palette.color(of: i).map(cssColour) ?? "#000"
            return "<span class=\"key\" style=\"background:\(colour)\"></span>\(escapeHTML(name))"
        }.joined(separator: " ") + "</p>\n"
        s += "<p class=\"legend\">Difference: pixels where int8 and fp32 differ over the dimmed image; "
            + DifferenceColour.allCases.map { "<span class=\"key\" style=\"background:\(cssColour($0.colour))\"></span>\($0.meaning)" }
                .joined(separator: " ") + "</p>\n"
        for kind in [ComparisonExample.Kind.worst, .typical] {
            let shown = c.examples.filter { $0.kind == kind }
            guard !shown.isEmpty else { continue }
            s += kind == .worst ? "<h3>Least agreement</h3>\n" : "<h3>Typical (median agreement)</h3>\n"
            for example in shown { s += try Self.figureRow(example, palette: palette) }
        }
        s += "</body></html>\n"
        return s
    }

    /// How many of the lowest-SQNR layers the chart marks and names.
    public static let markedLayers = 5

    /// Per-layer SQNR: one column per activation point in forward order (its name and value on hover), the
    /// model's parts (input, stages, decoder, logits) underneath, the lowest few marked and named.
    private static func layerChart(_ sqnr: LayerSQNR) -> String {
        var s = "<h2>Per-layer SQNR (dB)</h2>\n"
        guard let top = sqnr.layers.compactMap(\.decibels).filter(\.isFinite).max(), top > 0 else {
            return s + "<p>No per-layer values.</p>\n"
        }
        let worst = sqnr.worstFirst.prefix(markedLayers).filter { $0.decibels != nil }
        s += "<p>int8 against fp32 at each of the \(sqnr.layers.count) activation points, in forward order; "
            + "the chart's top is \(fixed(top)) dB. <span class=\"key worst\"></span>the \(worst.count) lowest: "
            + worst.map { "\(escapeHTML($0.name)) (\(fixed($0.decibels)) dB)" }.joined(separator: ", ") + "</p>\n<div class=\"layers\">"
        let marked = Set(worst.map(\.name))
        for layer in sqnr.layers {
            let height = layer.decibels.map { $0.isFinite ? max(0, $0) / top * 100 : 100 } ?? 0
            s += "<div class=\"layer\(marked.contains(layer.name) ? " worst" : "")\" style=\"height:\(fixed(height))%\" "
                + "title=\"\(escapeHTML(layer.name)): \(fixed(layer.decibels)) dB\"></div>"
        }
        // Runs of points of one part (the name before its first dot), each as wide as its columns.
        var parts: [(name: Substring, count: Int)] = []
        for layer in sqnr.layers {
            let part = layer.name.prefix { $0 != "." }
            if parts.last?.name == part { parts[parts.count - 1].count += 1 } else { parts.append((part, 1)) }
        }
        s += "</div>\n<div class=\"layer-parts\">"
            + parts.map { "<span style=\"flex:\($0.count) \($0.count) 0\" title=\"\(escapeHTML(String($0.name)))\">\(escapeHTML(String($0.name)))</span>" }.joined()
        return s + "</div>\n"
    }

    private static func figureRow(_ e: ComparisonExample, palette: Palette) throws(EdgeSegError) -> String {
        let step = (max(e.image.width, e.image.height) + pictureSide - 1) / pictureSide
        let width = (e.image.width + step - 1) / step, height = (e.image.height + step - 1) / step
        let source = "report image \(e.name)"
        let pictures: [(caption: String, png: [UInt8])] = [
            ("input", try encodePNG(subsample(e.image, step: step), source: source)),
            ("fp32", try encodePNG(classIndices: subsample(e.floatMap, width: e.image.width, height: e.image.height, step: step),
                                   width: width, height: height, palette: palette, source: source)),
            ("int8", try encodePNG(classIndices: subsample(e.int8Map, width: e.image.width, height: e.image.height, step: step),
                                   width: width, height: height, palette: palette, source: source)),
            ("difference", try encodePNG(subsample(differenceImage(e, classCount: palette.colors.count), step: step), source: source)),
        ]
        var s = "<div class=\"example\"><h4>\(escapeHTML(e.name)): \(fixed(e.agreement)) % agreement</h4><div class=\"row\">"
        for p in pictures {
            s += "<figure><img alt=\"\(p.caption) \(escapeHTML(e.name))\" width=\"\(width)\" height=\"\(height)\" "
                + "src=\"data:image/png;base64,\(Data(p.png).base64EncodedString())\"><figcaption>\(p.caption)</figcaption></figure>"
        }
        return s + "</div></div>\n"
    }

    private static let style = """
        body{font-family:sans-serif;margin:24px;color:#222;background:#fff;max-width:1400px}
        table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:4px 10px;text-align:right}
        td:first-child{text-align:left}
        .chart{display:grid;grid-template-columns:max-content 1fr;gap:6px 12px;max-width:800px;align-items:center}
        .bars{display:flex;flex-direction:column;gap:2px}.bar-line{display:flex;align-items:center;gap:6px;font-size:12px}
        .bar{height:10px}.fp32{background:#3b6fb6}.int8{background:#e8891c}
        .key{display:inline-block;width:12px;height:12px;margin:0 4px 0 10px;vertical-align:middle;border:1px solid #888}
        .row{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}figure{margin:0}
        figcaption{text-align:center;font-size:13px}img{width:100%;height:auto;display:block}
        .layers{display:flex;align-items:flex-end;height:180px;max-width:1100px;border-left:1px solid #888;border-bottom:1px solid #888}
        .layer{flex:1 1 0;box-sizing:border-box;border-right:1px solid #fff;background:#7a4fb5}.worst{background:#d1495b}
        .layer-parts{display:flex;max-width:1100px;margin-left:1px;font-size:11px;margin-bottom:12px}
        .layer-parts span{overflow:hidden;text-align:center;border-right:1px solid #bbb}
        """
}

/// What a pixel of the difference map shows where int8 and fp32 disagree.
enum DifferenceColour: CaseIterable {
    case int8Right, floatRight, bothWrong, unlabelled

    var colour: RGBColor {
        switch self {
        case .int8Right: RGBColor(r: 40, g: 220, b: 40)
        case .floatRight: RGBColor(r: 255, g: 30, b: 30)
        case .bothWrong: RGBColor(r: 255, g: 210, b: 0)
        case .unlabelled: RGBColor(r: 255, g: 0, b: 255)
        }
    }

    var meaning: String {
        switch self {
        case .int8Right: "int8 right"
        case .floatRight: "fp32 right"
        case .bothWrong: "both wrong"
        case .unlabelled: "no label"
        }
    }
}

/// The image dimmed to a third, with each pixel where the two maps differ painted by `DifferenceColour`
/// (labels that are not a class, and images without labels, give `unlabelled`).
func differenceImage(_ e: ComparisonExample, classCount: Int) -> RGBImage {
    var out = e.image
    for i in 0..<e.floatMap.count {
        let f = e.floatMap[i], q = e.int8Map[i]
        let paint: DifferenceColour?
        if f == q {
            paint = nil
        } else if let label = e.labels?[i], Int(label) < classCount {
            paint = q == label ? .int8Right : f == label ? .floatRight : .bothWrong
        } else {
            paint = .unlabelled
        }
        if let colour = paint?.colour {
            out.pixels[3 * i] = colour.r
            out.pixels[3 * i + 1] = colour.g
            out.pixels[3 * i + 2] = colour.b
        } else {
            for k in 0..<3 { out.pixels[3 * i + k] /= 3 }
        }
    }
    return out
}

/// Every `step`-th pixel of every `step`-th row (nearest neighbour: class maps keep their classes).
func subsample(_ values: [UInt8], width: Int, height: Int, channels: Int = 1, step: Int) -> [UInt8] {
    guard step > 1 else { return values }
    var out: [UInt8] = []
    out.reserveCapacity(((width + step - 1) / step) * ((height + step - 1) / step) * channels)
    for y in stride(from: 0, to: height, by: step) {
        for x in stride(from: 0, to: width, by: step) {
            let at = (y * width + x) * channels
            out.append(contentsOf: values[at..<at + channels])
        }
    }
    return out
}

func subsample(_ image: RGBImage, step: Int) -> RGBImage {
    RGBImage(width: (image.width + step - 1) / step, height: (image.height + step - 1) / step,
             pixels: subsample(image.pixels, width: image.width, height: image.height, channels: 3, step: step))
}

private func cssColour(_ c: RGBColor) -> String { "rgb(\(c.r),\(c.g),\(c.b))" }
