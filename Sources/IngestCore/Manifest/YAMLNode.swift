import Yams

/// A composed YAML node with its 1-based position. The manifest loader builds these one asset at a
/// time from libyaml events, so a 100k-item manifest never exists as one tree.
indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case mapping(YAMLMapping)
    case sequence(YAMLSequence)

    /// Where the node starts.
    var position: (line: Int, column: Int) {
        switch self {
        case .scalar(let s): return (s.line, s.column)
        case .mapping(let m): return (m.line, m.column)
        case .sequence(let s): return (s.line, s.column)
        }
    }

    /// The YAML 1.1 type of a scalar (as Yams' default resolver gives it); `.other` for collections.
    var scalarType: YAMLScalarType {
        guard case .scalar(let scalar) = self else { return .other }
        return scalar.type
    }
}

/// A scalar: its text, whether it was written plain (unquoted), and an explicit tag if any.
struct YAMLScalar: Sendable {
    var string: String
    var plain: Bool
    var tag: String?
    var line: Int
    var column: Int

    /// The YAML 1.1 type: quoted scalars are strings; plain ones are resolved like Yams' default resolver.
    var type: YAMLScalarType {
        if let tag { return YAMLScalarType(tag: tag) }
        guard plain else { return .str }
        // Only plain scalars starting like a number, a boolean, null or a merge key can be other than a
        // string: everything else skips the regular expressions.
        if let first = string.utf8.first {
            switch first {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                 UInt8(ascii: "~"), UInt8(ascii: "<"), UInt8(ascii: "="),
                 UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"),
                 UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"),
                 UInt8(ascii: "o"), UInt8(ascii: "O"):
                break
            default:
                return .str
            }
        }
        return YAMLScalarType(tag: Resolver.default.resolveTag(of: Node(string)).rawValue)
    }

    /// The scalar as a Yams node, for Yams' value constructors (`bool`, `float`).
    var yamsNode: Node { Node(string) }
}

/// A mapping: its key/value pairs in document order.
struct YAMLMapping: Sendable {
    var pairs: [(key: YAMLNode, value: YAMLNode)]
    var line: Int
    var column: Int

    /// The value of the last pair whose key is the plain text `key`.
    subscript(key: String) -> YAMLNode? {
        for pair in pairs.reversed() {
            if case .scalar(let scalar) = pair.key, scalar.string == key { return pair.value }
        }
        return nil
    }
}

/// A sequence.
struct YAMLSequence: Sendable {
    var items: [YAMLNode]
    var line: Int
    var column: Int
}

/// The YAML 1.1 types the manifest cares about.
enum YAMLScalarType: Equatable, Sendable {
    case str, int, float, bool, null, other

    init(tag: String) {
        switch tag {
        case Tag.Name.str.rawValue: self = .str
        case Tag.Name.int.rawValue: self = .int
        case Tag.Name.float.rawValue: self = .float
        case Tag.Name.bool.rawValue: self = .bool
        case Tag.Name.null.rawValue: self = .null
        default: self = .other
        }
    }
}
