import CEdgeSeg

/// The class index of every pixel of a logits map (first maximum wins, as `torch.argmax`).
/// Class indices are bytes: masks are 8-bit PNGs, so at most 256 classes.
public func argmaxLabels(_ logits: FeatureMap) -> [UInt8] {
    precondition(logits.channels <= 256, "more than 256 classes do not fit an 8-bit mask")
    var labels = [UInt8](repeating: 0, count: logits.height * logits.width)
    logits.data.withUnsafeBufferPointer { lp in
        labels.withUnsafeMutableBufferPointer { op in
            es_f32_argmax(lp.baseAddress, logits.height * logits.width, logits.channels, op.baseAddress)
        }
    }
    return labels
}

/// The class map at the input image's size: logits are upsampled bilinearly (align_corners = False) before
/// the argmax, as `transformers`' post-processing does.
public func classMap(logits: FeatureMap, height: Int, width: Int) -> [UInt8] {
    argmaxLabels(resizeBilinear(logits, height: height, width: width))
}
