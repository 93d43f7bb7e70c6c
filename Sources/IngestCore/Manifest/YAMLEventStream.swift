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
}

/// A duplicate key found while composing a mapping.
struct YAMLDuplicateKey: Sendable {
    var key: String
    var line: Int
    var column: Int
}

/// Pulls libyaml events over a UTF-8 buffer and composes them into `YAMLNode`s on demand.
///
/// Yams' `compose` builds the whole document as one tree of `Node`s (a class-backed tag per node);
/// for a 100k-item manifest that costs hundreds of megabytes. This reader lets the loader compose
/// and convert one asset at a time. The buffer must outlive the stream (use it inside
/// `withUnsafeBufferPointer`).
final class YAMLEventStream {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias(anchor: String)
        case scalar(YAMLScalar, anchor: String?)
        case sequenceStart(anchor: String?)
        case sequenceEnd
        case mappingStart(anchor: String?)
        case mappingEnd
    }

    struct Event {
        var kind: Kind
        var line: Int
        var column: Int
    }

    private var parser = yaml_parser_t()
    private var anchors: [String: YAMLNode] = [:]
    /// Duplicate keys seen so far (reported by the loader, composing goes on).
    private(set) var duplicateKeys: [YAMLDuplicateKey] = []

    init(buffer: UnsafeBufferPointer<UInt8>) {
        yaml_parser_initialize(&parser)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
    }

    deinit {
        yaml_parser_delete(&parser)
    }

    /// The next event.
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
        case YAML_ALIAS_EVENT: kind = .alias(anchor: Self.string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: Int(data.length)), as: UTF8.self)
            let plain = data.style == YAML_PLAIN_SCALAR_STYLE
            let tag = data.quoted_implicit == 1 && !plain ? nil : Self.string(data.tag)
            kind = .scalar(YAMLScalar(string: value, plain: plain, tag: tag, line: line, column: column),
                           anchor: Self.string(data.anchor))
        case YAML_SEQUENCE_START_EVENT: kind = .sequenceStart(anchor: Self.string(event.data.sequence_start.anchor))
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT: kind = .mappingStart(anchor: Self.string(event.data.mapping_start.anchor))
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        default: kind = .streamEnd
        }
        return Event(kind: kind, line: line, column: column)
    }

    /// Composes the node that starts with `event` (consuming its events up to its end).
    func compose(_ event: Event) throws(YAMLParseError) -> YAMLNode {
        switch event.kind {
        case .scalar(let scalar, let anchor):
            let node = YAMLNode.scalar(scalar)
            if let anchor { anchors[anchor] = node }
            return node
        case .alias(let anchor):
            guard let node = anchors[anchor] else {
                throw YAMLParseError(problem: "found undefined alias `\(anchor)`", line: event.line, column: event.column,
                                     context: nil, contextLine: 0, contextColumn: 0, isReaderError: false)
            }
            return node
        case .sequenceStart(let anchor):
            var items: [YAMLNode] = []
            while true {
                let next = try self.next()
                if case .sequenceEnd = next.kind { break }
                items.append(try compose(next))
            }
            let node = YAMLNode.sequence(YAMLSequence(items: items, line: event.line, column: event.column))
            if let anchor { anchors[anchor] = node }
            return node
        case .mappingStart(let anchor):
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var seen: Set<String> = []
            while true {
                let next = try self.next()
                if case .mappingEnd = next.kind { break }
                let key = try compose(next)
                if case .scalar(let scalar) = key, !seen.insert(scalar.string).inserted {
                    duplicateKeys.append(YAMLDuplicateKey(key: scalar.string, line: scalar.line, column: scalar.column))
                }
                let value = try compose(try self.next())
                pairs.append((key, value))
            }
            let node = YAMLNode.mapping(YAMLMapping(pairs: pairs, line: event.line, column: event.column))
            if let anchor { anchors[anchor] = node }
            return node
        default:
            throw YAMLParseError(problem: "unexpected YAML event", line: event.line, column: event.column,
                                 context: nil, contextLine: 0, contextColumn: 0, isReaderError: false)
        }
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
