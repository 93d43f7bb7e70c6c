import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small XML element tree for S3's answers (names without namespaces, text trimmed).
public struct S3XML: Sendable {
    /// The element's local name.
    public var name: String
    /// Its text content (concatenated, trimmed).
    public var text: String
    /// Its child elements in order.
    public var children: [S3XML]

    /// The text of the first child named `name`.
    public subscript(name: String) -> String? { child(name)?.text }

    /// The first child named `name`.
    public func child(_ name: String) -> S3XML? { children.first { $0.name == name } }

    /// Every child named `name`.
    public func all(_ name: String) -> [S3XML] { children.filter { $0.name == name } }

    /// Parses `bytes` into the root element.
    public static func parse(_ bytes: [UInt8]) throws -> S3XML {
        guard !bytes.isEmpty else { throw S3XMLError(message: "empty document") }
        let parser = XMLParser(data: Data(bytes))
        let delegate = TreeBuilder()
        parser.delegate = delegate
        parser.shouldProcessNamespaces = true
        guard parser.parse(), let root = delegate.root else {
            throw S3XMLError(message: parser.parserError.map { "\($0)" } ?? "malformed XML")
        }
        return root
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` for element text.
    public static func escape(_ text: String) -> String {
        var out = ""
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(char)
            }
        }
        return out
    }
}

/// A document S3 sent that could not be read.
public struct S3XMLError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "S3 XML: \(message)" }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [S3XML] = []
    var root: S3XML?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        stack.append(S3XML(name: local, text: "", children: []))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        guard var element = stack.popLast() else { return }
        element.text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
    }
}
