/// A `SourceLocation` as an item keeps it: line and column as 32-bit numbers (24 bytes, not 32).
/// Lines and columns beyond 2³¹-1 are clamped, as `FieldLocations` does.
struct CompactLocation: Sendable, Hashable {
    var file: String
    var line: Int32
    var column: Int32

    init(_ location: SourceLocation) {
        file = location.file
        line = Int32(clamping: location.line)
        column = Int32(clamping: location.column)
    }

    var location: SourceLocation { SourceLocation(file: file, line: Int(line), column: Int(column)) }
}
