/// A secret value (password, token, secret key) that never prints.
///
/// `description`, `debugDescription` and string interpolation all give `***`; the value is only
/// reachable through `revealed`, which call sites use at the last moment (a header, a signature).
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    /// Wraps `value`.
    public init(_ value: String) { self.value = value }

    /// The secret itself; use only where it leaves the process on purpose.
    public var revealed: String { value }

    /// Whether the secret is the empty string.
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
