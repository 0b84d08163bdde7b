import EdgeSegRuntime

/// One image's share of a comparison. `ModelComparison` keeps them apart and sums them in the data set's
/// order, so that the totals (float sums, whose value depends on their order) come out the same bit for bit
/// whichever process measured each image: sharded evaluation merges exactly because of it.
public struct ImageComparison: Equatable, Sendable {
    /// Position in the data set (sorted by name).
    public var position: Int
    public var name: String
    /// The picture's own size (predictions are scored at it).
    public var size: ImageSize
    /// int8-vs-fp32 pixel agreement and the logits' SQNR sums on this image.
    public var agreement: Agreement
    public var logitSQNR: LogitSQNR
    /// The SQNR sums of every int8 activation point, in `LayerSQNR.layers` order.
    public var layerSQNR: [LogitSQNR]

    public init(position: Int, name: String, size: ImageSize, agreement: Agreement, logitSQNR: LogitSQNR, layerSQNR: [LogitSQNR]) {
        self.position = position
        self.name = name
        self.size = size
        self.agreement = agreement
        self.logitSQNR = logitSQNR
        self.layerSQNR = layerSQNR
    }
}
