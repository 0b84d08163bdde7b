/// One 8-bit sRGB colour.
public struct RGBColor: Equatable, Sendable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }
}

/// The colour of each class index, for masks and overlays. Deterministic: the same class count always
/// gives the same colours.
public struct Palette: Equatable, Sendable {
    public var colors: [RGBColor]

    public init(colors: [RGBColor]) { self.colors = colors }

    /// CamVid's conventional colours for an 11-class model, otherwise `distinct(count:)`.
    public init(classCount: Int) {
        self = classCount == 11 ? .camVid : .distinct(count: classCount)
    }

    /// The colour of a class, or nil for an index the palette does not cover (an ignore label, say).
    public func color(of index: Int) -> RGBColor? {
        index >= 0 && index < colors.count ? colors[index] : nil
    }

    /// The SegNet CamVid colours, in the class order sky, building, pole, road, pavement, tree,
    /// sign/symbol, fence, car, pedestrian, bicyclist.
    public static var camVid: Palette {
        Palette(colors: [
            RGBColor(r: 128, g: 128, b: 128), RGBColor(r: 128, g: 0, b: 0), RGBColor(r: 192, g: 192, b: 128),
            RGBColor(r: 128, g: 64, b: 128), RGBColor(r: 60, g: 40, b: 222), RGBColor(r: 128, g: 128, b: 0),
            RGBColor(r: 192, g: 128, b: 128), RGBColor(r: 64, g: 64, b: 128), RGBColor(r: 64, g: 0, b: 128),
            RGBColor(r: 64, g: 64, b: 0), RGBColor(r: 0, g: 128, b: 192),
        ])
    }

    /// `count` colours, all different, by the PASCAL VOC rule: the bits of the class index are dealt
    /// round-robin to R, G and B, most significant colour bit first, so neighbouring classes differ
    /// strongly. Index 0 is black. Distinct for up to 2^24 classes.
    public static func distinct(count: Int) -> Palette {
        var colors: [RGBColor] = []
        colors.reserveCapacity(max(count, 0))
        for index in 0..<max(count, 0) {
            var (r, g, b): (UInt8, UInt8, UInt8) = (0, 0, 0)
            var bits = index
            for shift in (0..<8).reversed() {
                r |= UInt8(bits & 1) << shift
                g |= UInt8((bits >> 1) & 1) << shift
                b |= UInt8((bits >> 2) & 1) << shift
                bits >>= 3
            }
            colors.append(RGBColor(r: r, g: g, b: b))
        }
        return Palette(colors: colors)
    }
}
