import EdgeSegRuntime

/// One image of a comparison kept for looking at: the picture, both predictions and its labels.
public struct ComparisonExample: Sendable {
    public enum Kind: String, Sendable {
        /// Among the images where int8 and fp32 agree least.
        case worst
        /// Around the median agreement.
        case typical
    }

    public var name: String
    public var kind: Kind
    /// int8-vs-fp32 pixel agreement in percent.
    public var agreement: Double
    public var image: RGBImage
    /// Class maps at the image's size.
    public var floatMap: [UInt8]
    public var int8Map: [UInt8]
    /// Class indices (ignored pixels hold the data set's ignore label); nil without labels.
    public var labels: [UInt8]?
}

/// Which images to show, as (index, kind): the `worst` lowest agreements, lowest first, then up to `typical`
/// of the rest nearest the median agreement of all images, in agreement order.
func chooseExamples(agreements: [Double], worst: Int, typical: Int) -> [(index: Int, kind: ComparisonExample.Kind)] {
    let byAgreement = agreements.indices.sorted { (agreements[$0], $0) < (agreements[$1], $1) }
    let worstIndices = Array(byAgreement.prefix(max(worst, 0)))
    let rest = byAgreement.dropFirst(worstIndices.count)
    let median = byAgreement.count / 2
    // The `typical` positions of the sorted list closest to the median's, among those not already shown.
    let typicalIndices = rest.indices.sorted { (abs($0 - median), $0) < (abs($1 - median), $1) }
        .prefix(max(typical, 0)).sorted().map { byAgreement[$0] }
    return worstIndices.map { ($0, .worst) } + typicalIndices.map { ($0, .typical) }
}
