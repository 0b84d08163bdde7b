/// How a labeled folder is laid out and what its label values mean.
public enum DatasetLayout: String, CaseIterable, Sendable {
    /// DIR/images/*.png and DIR/labels/*.png with the same names; a label value is the class index, one
    /// value is ignored (CamVid's "unlabelled" 11 by default).
    case camvid
    /// DIR/images/*.jpg and DIR/labels/*.png with the same stems, as ADEChallengeData2016: label 0 is
    /// "other" and ignored, 1...150 are classes 0...149 (the shift is done when a label is loaded).
    case ade20k
    /// Images without labels (DIR/images/ if there is one, else DIR itself): agreement and SQNR only.
    case none

    /// CamVid's "unlabelled" value.
    public static let camvidIgnoreLabel: UInt8 = 11
    /// What ADE20K's ignored 0 becomes when loaded (mmsegmentation's `reduce_zero_label` value).
    public static let ade20kIgnoreLabel: UInt8 = 255

    /// Label values as stored → class indices, ignored pixels set to the ignore label.
    func classIndices(_ stored: [UInt8]) -> [UInt8] {
        switch self {
        case .camvid, .none: return stored
        case .ade20k: return stored.map { $0 == 0 ? Self.ade20kIgnoreLabel : $0 - 1 }
        }
    }
}
