import EdgeSegRuntime

/// One activation point's calibration: what was seen, the range kept, and its int8 quantization.
public struct TensorCalibration: Equatable, Sendable {
    public var observedMin: Float
    public var observedMax: Float
    /// The clip range the method chose (before `parameters` widen it to hold 0).
    public var min: Float
    public var max: Float
    public var parameters: QuantizationParameters

    public init(observedMin: Float, observedMax: Float, min: Float, max: Float, parameters: QuantizationParameters) {
        self.observedMin = observedMin
        self.observedMax = observedMax
        self.min = min
        self.max = max
        self.parameters = parameters
    }
}

/// The activation scales of one model, as `calibrate` derives them and scales.json stores them.
/// (Softmax weights are not here: they are uint8 relative to each row's maximum, fixed by the kernel.)
public struct CalibrationResult: Equatable, Sendable {
    /// The model directory calibrated, as given.
    public var model: String
    public var method: CalibrationMethod
    /// Images used, and images skipped because they could not be read or run.
    public var imageCount: Int
    public var skippedCount: Int
    /// The size images were resized to, or nil for each image's own size.
    public var size: ImageSize?
    /// Point names in forward order (`ActivationPoint.all`).
    public var names: [String]
    public var tensors: [String: TensorCalibration]

    public init(model: String, method: CalibrationMethod, imageCount: Int, skippedCount: Int, size: ImageSize?,
                names: [String], tensors: [String: TensorCalibration]) {
        self.model = model
        self.method = method
        self.imageCount = imageCount
        self.skippedCount = skippedCount
        self.size = size
        self.names = names
        self.tensors = tensors
    }

    /// Every point's range by `method` from the histograms of `statistics`.
    public init(model: String, method: CalibrationMethod, size: ImageSize?, statistics: ActivationStatistics,
                imageCount: Int, skippedCount: Int) throws(EdgeSegError) {
        self.init(model: model, method: method, imageCount: imageCount, skippedCount: skippedCount, size: size,
                  names: statistics.names, tensors: try statistics.tensorCalibrations(method))
    }

    public subscript(name: String) -> TensorCalibration? { tensors[name] }

    /// Each point's int8 quantization, as `Int8Quantizer.quantize(_:activations:)` takes them.
    public var activationParameters: [String: QuantizationParameters] { tensors.mapValues(\.parameters) }
}
