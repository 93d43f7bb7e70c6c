internal import CYaml

/// A libyaml parse error with its position (1-based) and libyaml's context, if any.
struct YAMLParseError: Error, Sendable {
    var problem: String
    var line: Int
    var column: Int
    var context: String?
    var contextLine: Int
    var contextColumn: Int
    /// Set for reader (encoding) errors.
    var isReaderError: Bool
    /// The rule to report instead of `MANIFEST_SYNTAX` (`YAML_ALIAS`), with its hint.
    var rule: String? = nil
    var hint: String? = nil
}

/// A duplicate key found while composing a mapping.
struct YAMLDuplicateKey: Sendable {
    var key: String
    var line: Int
    var column: Int
}

/// Pulls libyaml events over a UTF-8 buffer and composes them into `YAMLNode`s on demand.
///
/// Anchors (`&name`) and aliases (`*name`) are refused at the first one (`YAML_ALIAS`): an alias
/// stands for a copy of what it names, so a few hundred bytes of nested aliases would expand to
/// billions of values ("billion laughs"). Manifests never need them.
///
/// Yams' `compose` builds the whole document as one tree of `Node`s (a class-backed tag per node);
/// for a 100k-item manifest that costs hundreds of megabytes. This reader lets the loader compose
/// and convert one asset at a time. The buffer must outlive the stream (use it inside
/// `withUnsafeBufferPointer`).
final class YAMLEventStream {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case scalar(YAMLScalar)
        case sequenceStart
        case sequenceEnd
        case mappingStart
        case mappingEnd
    }

    struct Event {
        var kind: Kind
        var line: Int
        var column: Int
    }

    private var parser = yaml_parser_t()
    /// Duplicate keys seen so far (reported by the loader, composing goes on).
    private(set) var duplicateKeys: [YAMLDuplicateKey] = []

    /// Never written: `nonisolated(unsafe)` only because pointers are not `Sendable`.
    nonisolated(unsafe) private static let noInput: UnsafePointer<UInt8> = {
        let byte = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        byte.initialize(to: 0)
        return UnsafePointer(byte)
    }()

    init(buffer: UnsafeBufferPointer<UInt8>) {
        yaml_parser_initialize(&parser)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        // libyaml wants a non-null pointer even for no input (an empty buffer may have none).
        yaml_parser_set_input_string(&parser, buffer.baseAddress ?? Self.noInput, buffer.count)
    }

    deinit {
        yaml_parser_delete(&parser)
    }

    /// The next event; throws `YAML_ALIAS` at an alias or at a node with an anchor.
    func next() throws(YAMLParseError) -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else { throw currentError() }
        defer { yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        let kind: Kind
        switch event.type {
        case YAML_STREAM_START_EVENT: kind = .streamStart
        case YAML_STREAM_END_EVENT: kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
        case YAML_ALIAS_EVENT:
            throw Self.aliasError(alias: Self.string(event.data.alias.anchor) ?? "", line: line, column: column)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            if let anchor = Self.string(data.anchor) { throw Self.aliasError(anchor: anchor, line: line, column: column) }
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: Int(data.length)), as: UTF8.self)
            let plain = data.style == YAML_PLAIN_SCALAR_STYLE
            let tag = data.quoted_implicit == 1 && !plain ? nil : Self.string(data.tag)
            kind = .scalar(YAMLScalar(string: value, plain: plain, tag: tag, line: line, column: column))
        case YAML_SEQUENCE_START_EVENT:
            if let anchor = Self.string(event.data.sequence_start.anchor) {
                throw Self.aliasError(anchor: anchor, line: line, column: column)
            }
            kind = .sequenceStart
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            if let anchor = Self.string(event.data.mapping_start.anchor) {
                throw Self.aliasError(anchor: anchor, line: line, column: column)
            }
            kind = .mappingStart
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        default: kind = .streamEnd
        }
        return Event(kind: kind, line: line, column: column)
    }

    /// Deepest nesting composed; deeper input is rejected rather than risking the stack.
    static let maxDepth = 200

    /// Composes the node that starts with `event` (consuming its events up to its end).
    func compose(_ event: Event, depth: Int = 0) throws(YAMLParseError) -> YAMLNode {
        if depth > Self.maxDepth {
            throw YAMLParseError(problem: "the YAML is nested more than \(Self.maxDepth) levels deep",
                                 line: event.line, column: event.column, context: nil, contextLine: 0, contextColumn: 0,
                                 isReaderError: false)
        }
        switch event.kind {
        case .scalar(let scalar):
            return .scalar(scalar)
        case .sequenceStart:
            var items: [YAMLNode] = []
            while true {
                let next = try self.next()
                if case .sequenceEnd = next.kind { break }
                items.append(try compose(next, depth: depth + 1))
            }
            return .sequence(YAMLSequence(items: items, line: event.line, column: event.column))
        case .mappingStart:
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var seen: Set<String> = []
            while true {
                let next = try self.next()
                if case .mappingEnd = next.kind { break }
                let key = try compose(next, depth: depth + 1)
                if case .scalar(let scalar) = key, !seen.insert(scalar.string).inserted {
                    duplicateKeys.append(YAMLDuplicateKey(key: scalar.string, line: scalar.line, column: scalar.column))
                }
                let value = try compose(try self.next(), depth: depth + 1)
                pairs.append((key, value))
            }
            return .mapping(YAMLMapping(pairs: pairs, line: event.line, column: event.column))
        default:
            throw YAMLParseError(problem: "unexpected YAML event", line: event.line, column: event.column,
                                 context: nil, contextLine: 0, contextColumn: 0, isReaderError: false)
        }
    }

    /// The `YAML_ALIAS` error for an anchor (`&name`) or an alias (`*name`) at `line`:`column`.
    private static func aliasError(anchor: String? = nil, alias: String? = nil, line: Int, column: Int) -> YAMLParseError {
        let found = anchor.map { "the anchor `&\(DiagnosticText.escaped($0, limit: 40))`" }
            ?? "the alias `*\(DiagnosticText.escaped(alias ?? "", limit: 40))`"
        return YAMLParseError(problem: "YAML anchors and aliases are not supported in a manifest (found \(found))",
                              line: line, column: column, context: nil, contextLine: 0, contextColumn: 0,
                              isReaderError: false, rule: DiagnosticRule.yamlAlias,
                              hint: "write the value out in full wherever it is used (no `&name`, `*name` or `<<:` merge keys)")
    }

    private func currentError() -> YAMLParseError {
        let problem = Self.string(parser.problem) ?? "unknown error"
        if parser.error == YAML_READER_ERROR {
            return YAMLParseError(problem: problem, line: 1, column: 1, context: nil, contextLine: 0, contextColumn: 0,
                                  isReaderError: true)
        }
        return YAMLParseError(problem: problem,
                              line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1,
                              context: Self.string(parser.context),
                              contextLine: Int(parser.context_mark.line) + 1,
                              contextColumn: Int(parser.context_mark.column) + 1,
                              isReaderError: false)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
