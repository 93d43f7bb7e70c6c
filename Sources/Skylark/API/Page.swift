/// One page of a list (`{"objects": [...], "meta": {"start", "limit", "total"}}`).
public struct Page<Element: Decodable & Sendable>: Sendable, Decodable {
    /// Paging information.
    public struct Meta: Sendable, Hashable, Decodable {
        /// Index of the first object of this page.
        public var start: Int?
        /// Page size asked for.
        public var limit: Int?
        /// Objects in the whole list.
        public var total: Int?
    }

    /// The objects of this page.
    public var objects: [Element]
    /// Paging information, when the server sends it.
    public var meta: Meta?
}
