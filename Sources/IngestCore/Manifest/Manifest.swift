#if canImport(Glibc)
import Glibc
#endif

/// Where a value came from: a manifest (YAML line/column, CSV row/column) or a subtitle file's line.
/// Lines and columns are 1-based.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// How an item is ingested (see CONTRACT.md).
public enum IngestMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Create the asset, text tracks and documents through the API, then upload the video with `asset` metadata.
    case advanced
    /// Upload the video only; Skylark creates the asset (data source = file name without extension).
    case simple
}

/// The manifest's syntax.
public enum ManifestFormat: String, Sendable, Codable {
    case yaml
    case csv
}

/// One subtitle of an asset.
public struct ManifestSubtitle: Sendable, Hashable, Codable {
    /// The path as written in the manifest.
    public var file: String
    /// `file` resolved against the manifest's folder (absolute). Resolved on use: an item keeps the
    /// path as written and the folder every item shares, not a second copy of the path.
    public var path: String {
        get { pathStorage.resolve(file) }
        set { pathStorage = .explicit(newValue) }
    }
    /// BCP 47 language code (after `defaults.language` was applied).
    public var language: String
    /// Optional display title.
    public var title: String?
    /// Where the subtitle entry (or CSV cell) is in the manifest.
    public var location: SourceLocation {
        get { compactLocation.location }
        set { compactLocation = CompactLocation(newValue) }
    }
    var compactLocation: CompactLocation
    var pathStorage: ResolvablePath

    public init(file: String, path: String, language: String, title: String? = nil, location: SourceLocation) {
        self.init(file: file, pathStorage: .explicit(path), language: language, title: title, location: location)
    }

    init(file: String, pathStorage: ResolvablePath, language: String, title: String? = nil, location: SourceLocation) {
        self.file = file
        self.pathStorage = pathStorage
        self.language = language
        self.title = title
        self.compactLocation = CompactLocation(location)
    }

    public static func == (a: ManifestSubtitle, b: ManifestSubtitle) -> Bool {
        a.file == b.file && a.path == b.path && a.language == b.language && a.title == b.title && a.location == b.location
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(language)
        hasher.combine(location)
    }

    private enum CodingKeys: String, CodingKey { case file, path, language, title, location }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(file: try c.decode(String.self, forKey: .file), path: try c.decode(String.self, forKey: .path),
                  language: try c.decode(String.self, forKey: .language),
                  title: try c.decodeIfPresent(String.self, forKey: .title),
                  location: try c.decode(SourceLocation.self, forKey: .location))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(path, forKey: .path)
        try c.encode(language, forKey: .language)
        try c.encodeIfPresent(title, forKey: .title)
        try c.encode(location, forKey: .location)
    }
}

/// One asset item of the manifest, with `defaults` applied and paths resolved.
///
/// Kept small, as a run holds every item (500,000 of them in a large migration): absolute paths are
/// resolved on use from the path as written and the manifest's folder (one string every item shares),
/// and the extra `fields` are a flat list rather than a dictionary per item.
public struct ManifestAsset: Sendable, Hashable, Codable {
    // Stored in an order that packs the item (an array of 100,000 items is ~33 MB): the strings,
    // the inline field, the location, the one-byte `mode`, the inline subtitle.
    public var id: String
    /// An existing asset to attach to, instead of creating one.
    public var uid: String?
    public var title: String?
    /// The slug as given; `effectiveSlug` derives one from the title when absent.
    public var slug: String?
    /// Asset type uid or name.
    public var assetType: String?
    /// The video path as written.
    public var video: String
    /// The S3 key as given; `effectiveKey` defaults it to the video's file name.
    public var key: String?
    /// Where each field's value is (keys: `id`, `title`, `video`, `fields.synopsis`, …).
    public var fieldLocations: FieldLocations
    /// `fields`, flat (one field inline).
    var fieldList: ManifestFields
    var compactLocation: CompactLocation
    var videoPathStorage: ResolvablePath
    public var mode: IngestMode
    /// `subtitles`, with one subtitle inline (no array per item).
    var subtitleList: SubtitleList

    /// Extra asset fields sent as they are.
    public var fields: [String: JSONValue] {
        get { fieldList.dictionary }
        set { fieldList = ManifestFields(newValue) }
    }
    /// `video` resolved against the manifest's folder (absolute; empty when `video` is). Resolved on use.
    public var videoPath: String {
        get { videoPathStorage.resolve(video) }
        set { videoPathStorage = .explicit(newValue) }
    }
    public var subtitles: [ManifestSubtitle] {
        get { subtitleList.array }
        set { subtitleList = SubtitleList(newValue) }
    }
    /// Where the item starts in the manifest.
    public var location: SourceLocation {
        get { compactLocation.location }
        set { compactLocation = CompactLocation(newValue) }
    }

    public init(id: String, mode: IngestMode = .advanced, uid: String? = nil, title: String? = nil,
                slug: String? = nil, assetType: String? = nil, fields: [String: JSONValue] = [:],
                video: String, videoPath: String, key: String? = nil, subtitles: [ManifestSubtitle] = [],
                location: SourceLocation, fieldLocations: FieldLocations = [:]) {
        self.id = id
        self.mode = mode
        self.uid = uid
        self.title = title
        self.slug = slug
        self.assetType = assetType
        self.fieldList = ManifestFields(fields)
        self.video = video
        self.videoPathStorage = .explicit(videoPath)
        self.key = key
        self.subtitleList = SubtitleList(subtitles)
        self.compactLocation = CompactLocation(location)
        self.fieldLocations = fieldLocations
    }

    public static func == (a: ManifestAsset, b: ManifestAsset) -> Bool {
        a.id == b.id && a.mode == b.mode && a.uid == b.uid && a.title == b.title && a.slug == b.slug
            && a.assetType == b.assetType && a.fieldList == b.fieldList && a.video == b.video
            && a.videoPath == b.videoPath && a.key == b.key && a.subtitles == b.subtitles && a.location == b.location
            && a.fieldLocations == b.fieldLocations
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(video)
        hasher.combine(location)
    }

    private enum CodingKeys: String, CodingKey {
        case id, mode, uid, title, slug, assetType, fields, video, videoPath, key, subtitles, location, fieldLocations
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), mode: try c.decode(IngestMode.self, forKey: .mode),
                  uid: try c.decodeIfPresent(String.self, forKey: .uid), title: try c.decodeIfPresent(String.self, forKey: .title),
                  slug: try c.decodeIfPresent(String.self, forKey: .slug),
                  assetType: try c.decodeIfPresent(String.self, forKey: .assetType),
                  fields: try c.decode([String: JSONValue].self, forKey: .fields),
                  video: try c.decode(String.self, forKey: .video), videoPath: try c.decode(String.self, forKey: .videoPath),
                  key: try c.decodeIfPresent(String.self, forKey: .key),
                  subtitles: try c.decode([ManifestSubtitle].self, forKey: .subtitles),
                  location: try c.decode(SourceLocation.self, forKey: .location),
                  fieldLocations: try c.decode(FieldLocations.self, forKey: .fieldLocations))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(mode, forKey: .mode)
        try c.encodeIfPresent(uid, forKey: .uid)
        try c.encodeIfPresent(title, forKey: .title)
        try c.encodeIfPresent(slug, forKey: .slug)
        try c.encodeIfPresent(assetType, forKey: .assetType)
        try c.encode(fields, forKey: .fields)
        try c.encode(video, forKey: .video)
        try c.encode(videoPath, forKey: .videoPath)
        try c.encodeIfPresent(key, forKey: .key)
        try c.encode(subtitles, forKey: .subtitles)
        try c.encode(location, forKey: .location)
        try c.encode(fieldLocations, forKey: .fieldLocations)
    }

    /// The S3 key: `key` when given, else the video's file name.
    public var effectiveKey: String {
        if let key, !key.isEmpty { return key }
        guard let slash = video.utf8.lastIndex(of: UInt8(ascii: "/")) else { return video }
        return String(video[video.utf8.index(after: slash)...])
    }

    /// The slug: `slug` when given, else derived from the title (lower case, runs of other
    /// characters collapsed to `-`); nil when neither exists.
    public var effectiveSlug: String? {
        if let slug, !slug.isEmpty { return slug }
        guard let title, !title.isEmpty else { return nil }
        return Slug.derive(from: title)
    }

    /// The location of `field`, falling back to the item's own location.
    public func location(of field: String) -> SourceLocation { fieldLocations[field] ?? location }
}

/// The `defaults:` block.
public struct ManifestDefaults: Sendable, Hashable, Codable {
    public var assetType: String?
    public var language: String?

    public init(assetType: String? = nil, language: String? = nil) {
        self.assetType = assetType
        self.language = language
    }
}

/// A loaded manifest: every asset with defaults applied and paths resolved.
public struct Manifest: Sendable, Hashable, Codable {
    /// The manifest file's path as given.
    public var path: String
    public var format: ManifestFormat
    public var version: Int
    public var defaults: ManifestDefaults
    public var assets: [ManifestAsset]

    public init(path: String, format: ManifestFormat, version: Int = 1, defaults: ManifestDefaults = .init(),
                assets: [ManifestAsset]) {
        self.path = path
        self.format = format
        self.version = version
        self.defaults = defaults
        self.assets = assets
    }
}

extension Manifest {
    /// Drops the items' field locations, which serve diagnostics only: what a run keeps once
    /// validation passed (in a 100,000-item manifest they are tens of megabytes). In place when
    /// nothing else holds the items.
    public mutating func dropFieldLocations() {
        for index in assets.indices { assets[index].fieldLocations = FieldLocations() }
    }

    /// Hands the memory validation freed (its indexes, field locations, the manifest's bytes) back to
    /// the system. glibc keeps freed memory for reuse otherwise, and a run would stay resident at
    /// validation's peak (at 100,000 items some 70 MB more than the items it keeps).
    public static func releaseFreedMemory() {
        #if canImport(Glibc)
        // `malloc_trim` is declared in <malloc.h>, which the Glibc module does not import: looked up by name.
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}

/// Slug derivation shared by the manifest, validation and the assets stage.
public enum Slug {
    /// Lower-cases `title`, keeps ASCII letters and digits, and joins the runs between them with `-`.
    public static func derive(from title: String) -> String {
        deriveASCII(title) ?? deriveScalars(title)
    }

    /// The derivation for any title, scalar by scalar (`derive` takes bytes for an ASCII title).
    static func deriveScalars(_ title: String) -> String {
        var out = ""
        var pendingDash = false
        for scalar in title.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return out
    }

    /// `derive` for an ASCII title, by bytes (no lower-cased copy, no scalar-by-scalar appends);
    /// nil when the title has other characters (whose lower case may hold ASCII letters).
    private static func deriveASCII(_ title: String) -> String? {
        var title = title
        return title.withUTF8 { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { out in
                var count = 0
                var pendingDash = false
                for byte in bytes {
                    var lower = byte
                    if byte >= 0x41 && byte <= 0x5A { lower = byte + 0x20 }
                    if (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) {
                        if pendingDash && count > 0 { out[count] = 0x2D; count += 1 }
                        pendingDash = false
                        out[count] = lower
                        count += 1
                    } else {
                        pendingDash = true
                    }
                }
                return count
            }
        }
    }
}
