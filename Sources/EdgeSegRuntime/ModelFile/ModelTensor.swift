/// The element types a model file stores; the raw value is the code in the tensor table.
public enum TensorDType: UInt32, Sendable {
    case int8 = 1, uint8 = 2, int16 = 3, int32 = 4, int64 = 5, float32 = 6

    public var byteSize: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16: 2
        case .int32, .float32: 4
        case .int64: 8
        }
    }

    /// The short name used in messages: i8, u8, i16, i32, i64, f32.
    public var name: String {
        switch self {
        case .int8: "i8"
        case .uint8: "u8"
        case .int16: "i16"
        case .int32: "i32"
        case .int64: "i64"
        case .float32: "f32"
        }
    }
}

/// A Swift type whose values a model file stores as `dtype`, byte for byte.
public protocol TensorElement: BitwiseCopyable {
    static var dtype: TensorDType { get }
}

extension Int8: TensorElement { public static var dtype: TensorDType { .int8 } }
extension UInt8: TensorElement { public static var dtype: TensorDType { .uint8 } }
extension Int16: TensorElement { public static var dtype: TensorDType { .int16 } }
extension Int32: TensorElement { public static var dtype: TensorDType { .int32 } }
extension Int64: TensorElement { public static var dtype: TensorDType { .int64 } }
extension Float: TensorElement { public static var dtype: TensorDType { .float32 } }

/// One entry of a model file's tensor table.
public struct ModelTensor: Equatable, Sendable {
    public let name: String
    public let dtype: TensorDType
    public let shape: [Int]
    /// Absolute offset of the first byte in the file: a multiple of 64.
    public let fileOffset: Int
    public let byteCount: Int

    /// The number of elements: the product of the shape (1 for a scalar).
    public var count: Int { byteCount / dtype.byteSize }
}
