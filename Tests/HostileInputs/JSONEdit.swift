import EdgeSegRuntime

extension JSONValue {
    /// A copy with the member at `path` (object keys, or array indices as decimal strings) set to `value`; a
    /// missing object key is added, a missing index leaves the array as it is.
    public func setting(_ path: [String], _ value: JSONValue) -> JSONValue { setting(path[...], value) }

    private func setting(_ path: ArraySlice<String>, _ value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        switch self {
        case .object(var members):
            if let i = members.firstIndex(where: { $0.key == key }) {
                members[i] = JSONMember(key: key, value: members[i].value.setting(path.dropFirst(), value))
            } else {
                members.append(JSONMember(key: key, value: JSONValue.null.setting(path.dropFirst(), value)))
            }
            return .object(members)
        case .array(var items):
            guard let i = Int(key), items.indices.contains(i) else { return self }
            items[i] = items[i].setting(path.dropFirst(), value)
            return .array(items)
        default:
            return JSONValue.object([]).setting(path, value)
        }
    }
}
