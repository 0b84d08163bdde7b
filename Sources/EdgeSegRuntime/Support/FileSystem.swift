import CEdgeSeg

/// What, if anything, is at a path (following symlinks, as the Hugging Face cache uses them).
public enum PathKind: Sendable {
    case missing, file, directory
}

public func pathKind(_ path: String) -> PathKind {
    switch es_path_kind(path) {
    case ES_PATH_DIRECTORY: .directory
    case ES_PATH_FILE: .file
    default: .missing
    }
}

/// The names in a folder, sorted, without "." and ".."; hidden names (".x") only if asked for.
public func directoryEntries(_ path: String, includingHidden: Bool = false) throws(EdgeSegError) -> [String] {
    guard let dir = es_dir_open(path) else {
        throw EdgeSegError(.io, "\(path): cannot list this folder")
    }
    defer { es_dir_close(dir) }
    var names: [String] = []
    while let entry = es_dir_next(dir) {
        let name = String(cString: entry)
        if includingHidden || !name.hasPrefix(".") { names.append(name) }
    }
    return names.sorted()
}

/// The PNG and JPEG files of a folder (by extension, case-insensitive), sorted by name, as file names.
public func imageFileNames(in folder: String) throws(EdgeSegError) -> [String] {
    try directoryEntries(folder).filter { name in
        guard let dot = name.lastIndex(of: ".") else { return false }
        let ext = name[name.index(after: dot)...].lowercased()
        return ext == "png" || ext == "jpg" || ext == "jpeg"
    }
}

/// `directory/name`, without doubling a trailing slash.
public func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// The directory part of a file path ("." for a bare name).
public func parentDirectory(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// The last path component.
public func fileName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
}
