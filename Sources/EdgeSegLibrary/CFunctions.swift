import CEdgeSeg
import EdgeSegRuntime

// The C API (edgeseg.h) over `LibraryHandle`: each function checks its arguments, runs, and turns an
// `EdgeSegError` into a status code and the handle's message. Foundation-free: built by SwiftPM (libedgeseg.a,
// libedgeseg.so) and by Boards/build-pi.sh with Embedded Swift for the Pi.

private let statusOK: Int32 = 0, statusArgument: Int32 = 1, statusFile: Int32 = 2, statusModel: Int32 = 3, statusImage: Int32 = 4

private func status(of error: EdgeSegError) -> Int32 {
    switch error.kind {
    case .io: statusFile
    case .usage: statusArgument
    case .image: statusImage
    default: statusModel
    }
}

private func handle(_ pointer: OpaquePointer?) -> LibraryHandle? {
    pointer.map { Unmanaged<LibraryHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

/// Copies `text` into the caller's message buffer (if any), cut to fit and NUL-terminated.
private func write(_ text: String, to buffer: UnsafeMutablePointer<CChar>?, size: Int) {
    if let buffer { copyCString(text, to: buffer, size: size) }
}

@_cdecl("edgeseg_open")
public func edgesegOpen(_ path: UnsafePointer<CChar>?, _ threads: Int32, _ result: UnsafeMutablePointer<OpaquePointer?>?,
                        _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> Int32 {
    guard let path, let result, threads >= 1 else {
        write("edgeseg_open: model_path and handle must not be NULL, threads at least 1 (got \(threads))", to: message, size: messageSize)
        return statusArgument
    }
    result.pointee = nil
    let file = String(cString: path)
    do throws(EdgeSegError) {
        let segmenter = try Segmenter(path: file, threads: Int(threads))
        result.pointee = OpaquePointer(Unmanaged.passRetained(LibraryHandle(segmenter: segmenter)).toOpaque())
        write("", to: message, size: messageSize)
        return statusOK
    } catch {
        write(error.message.hasPrefix(file) ? error.message : "\(file): \(error.message)", to: message, size: messageSize)
        return status(of: error)
    }
}

@_cdecl("edgeseg_set_input_size")
public func edgesegSetInputSize(_ pointer: OpaquePointer?, _ width: Int32, _ height: Int32) -> Int32 {
    guard let h = handle(pointer) else { return statusArgument }
    h.clearError()
    guard (width == 0 && height == 0) || (width >= 1 && height >= 1) else {
        h.fail("edgeseg_set_input_size: \(width)x\(height): expected both sides at least 1, or 0x0 for each frame's size")
        return statusArgument
    }
    do throws(EdgeSegError) {
        try h.setInputSize(width == 0 ? nil : ImageSize(width: Int(width), height: Int(height)))
        return statusOK
    } catch {
        h.fail(error.message)
        return status(of: error)
    }
}

@_cdecl("edgeseg_segment")
public func edgesegSegment(_ pointer: OpaquePointer?, _ frame: UnsafePointer<UInt8>?, _ width: Int32, _ height: Int32,
                           _ stride: Int32, _ format: Int32, _ classMap: UnsafeMutablePointer<UInt8>?,
                           _ mapWidth: Int32, _ mapHeight: Int32) -> Int32 {
    guard let h = handle(pointer) else { return statusArgument }
    h.clearError()
    guard let frame, let classMap, width >= 1, height >= 1, mapWidth >= 1, mapHeight >= 1, stride >= 0 else {
        h.fail("edgeseg_segment: frame and class_map must not be NULL, sizes at least 1x1 (frame \(width)x\(height), map \(mapWidth)x\(mapHeight)), stride at least 0")
        return statusArgument
    }
    do throws(EdgeSegError) {
        try h.segment(frame, width: Int(width), height: Int(height), stride: Int(stride), format: format,
                      into: UnsafeMutableBufferPointer(start: classMap, count: Int(mapWidth) * Int(mapHeight)),
                      mapWidth: Int(mapWidth), mapHeight: Int(mapHeight))
        return statusOK
    } catch {
        h.fail(error.message)
        return status(of: error)
    }
}

@_cdecl("edgeseg_class_shares")
public func edgesegClassShares(_ pointer: OpaquePointer?, _ shares: UnsafeMutablePointer<Float>?, _ count: Int32) -> Int32 {
    guard let h = handle(pointer), let shares, count > 0 else { return 0 }
    return Int32(h.shares(into: UnsafeMutableBufferPointer(start: shares, count: Int(count))))
}

@_cdecl("edgeseg_class_count")
public func edgesegClassCount(_ pointer: OpaquePointer?) -> Int32 {
    handle(pointer).map { Int32($0.classCount) } ?? 0
}

@_cdecl("edgeseg_class_name")
public func edgesegClassName(_ pointer: OpaquePointer?, _ index: Int32) -> UnsafePointer<CChar>? {
    guard let h = handle(pointer), index >= 0, Int(index) < h.classNames.count else { return nil }
    return UnsafePointer(h.classNames[Int(index)])
}

@_cdecl("edgeseg_error")
public func edgesegError(_ pointer: OpaquePointer?) -> UnsafePointer<CChar>? {
    handle(pointer).map { UnsafePointer($0.messagePointer) }
}

@_cdecl("edgeseg_read_image")
public func edgesegReadImage(_ path: UnsafePointer<CChar>?, _ rgb: UnsafeMutablePointer<UInt8>?, _ capacity: Int,
                             _ width: UnsafeMutablePointer<Int32>?, _ height: UnsafeMutablePointer<Int32>?,
                             _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> Int32 {
    guard let path, let width, let height else {
        write("edgeseg_read_image: path, width and height must not be NULL", to: message, size: messageSize)
        return statusArgument
    }
    do throws(EdgeSegError) {
        let image = try loadImage(path: String(cString: path))
        width.pointee = Int32(image.width)
        height.pointee = Int32(image.height)
        guard let rgb, capacity >= image.pixels.count else {
            write("\(String(cString: path)): a \(image.width)x\(image.height) picture needs \(image.pixels.count) bytes, the buffer has \(rgb == nil ? 0 : capacity)",
                  to: message, size: messageSize)
            return statusArgument
        }
        image.pixels.withUnsafeBufferPointer { rgb.update(from: $0.baseAddress!, count: $0.count) }
        write("", to: message, size: messageSize)
        return statusOK
    } catch {
        write(error.message, to: message, size: messageSize)
        return status(of: error)
    }
}

@_cdecl("edgeseg_close")
public func edgesegClose(_ pointer: OpaquePointer?) {
    guard let pointer else { return }
    Unmanaged<LibraryHandle>.fromOpaque(UnsafeRawPointer(pointer)).release()
}
