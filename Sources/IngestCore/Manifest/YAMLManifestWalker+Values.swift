import Yams

// Keys and scalar values: their types, JSON conversion and descriptions for diagnostics.
extension YAMLManifestWalker {
    // MARK: - Values

    /// The key's text, or nil (with a diagnostic) when the key is not a plain string.
    mutating func keyName(_ node: YAMLNode, context: String?) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        error(DiagnosticRule.type, "keys must be plain words, found \(describe(node))\(context.map { " in \(DiagnosticText.escaped($0, limit: 120))" } ?? "")",
              at: location(node))
        return nil
    }

    /// The value as a string, or nil with a `MANIFEST_TYPE` diagnostic.
    mutating func string(_ node: YAMLNode, field: String, item: String?) -> String? {
        if case .scalar(let scalar) = node, scalar.type == .str { return scalar.string }
        var hint: String?
        if case .scalar(let scalar) = node, !scalar.string.isEmpty { hint = "put the value in quotes: \(DiagnosticText.quoted(scalar.string))" }
        error(DiagnosticRule.type, "`\(field)` must be a string, found \(describe(node))", hint: hint,
              at: location(node), item: item, field: field)
        return nil
    }

    mutating func jsonValue(_ node: YAMLNode, item: String?, field: String) -> JSONValue? {
        switch node {
        case .scalar(let scalar):
            switch scalar.type {
            case .null: return .null
            case .bool: return scalar.yamsNode.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int, .float:
                if let number = scalar.yamsNode.float, number.isFinite { return .number(number) }
                return .string(scalar.string)
            case .str, .other: return .string(scalar.string)
            }
        case .sequence(let list):
            var values: [JSONValue] = []
            for (index, element) in list.items.enumerated() {
                if let value = jsonValue(element, item: item, field: "\(field)[\(index)]") { values.append(value) }
            }
            return .array(values)
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (keyNode, value) in mapping.pairs {
                guard let key = keyName(keyNode, context: field) else { continue }
                if let json = jsonValue(value, item: item, field: "\(field).\(key)") { object[key] = json }
            }
            return .object(object)
        }
    }

    mutating func unknownKey(_ key: String, at location: SourceLocation, known: [String], item: String?, field: String) {
        error(DiagnosticRule.unknownKey, "unknown key `\(DiagnosticText.escaped(key))`", hint: ManifestKeys.unknownKeyHint(key, known: known),
              at: location, item: item, field: field)
    }

    func describe(_ node: YAMLNode) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            switch scalar.type {
            case .null: return "nothing (null)"
            case .int, .float: return "the number \(DiagnosticText.escaped(scalar.string))"
            case .bool: return "the boolean \(DiagnosticText.escaped(scalar.string))"
            case .str: return "the string \(DiagnosticText.quoted(scalar.string))"
            case .other: return "`\(DiagnosticText.escaped(scalar.string))`"
            }
        }
    }
}
