/// An item's subtitles: none or one kept inline, an array only for two or more.
///
/// Most items have one subtitle or none, and a run holds every item: an array per item was an
/// allocation of ~140 bytes each (100,000 of them at 100,000 items). The form is canonical (one
/// subtitle is always `.one`), so equal lists have equal storage.
struct SubtitleList: Sendable, Hashable, RandomAccessCollection {
    private enum Storage: Sendable, Hashable {
        case none
        case one(ManifestSubtitle)
        case many([ManifestSubtitle])
    }

    private var storage: Storage = .none

    init() {}

    init(_ subtitles: [ManifestSubtitle]) {
        switch subtitles.count {
        case 0: storage = .none
        case 1: storage = .one(subtitles[0])
        default: storage = .many(subtitles)
        }
    }

    var startIndex: Int { 0 }

    var endIndex: Int {
        switch storage {
        case .none: return 0
        case .one: return 1
        case .many(let list): return list.count
        }
    }

    subscript(index: Int) -> ManifestSubtitle {
        get {
            switch storage {
            case .one(let subtitle) where index == 0: return subtitle
            case .many(let list): return list[index]
            default: preconditionFailure("subtitle index \(index) out of range")
            }
        }
        set {
            switch storage {
            case .one where index == 0: storage = .one(newValue)
            case .many(var list):
                storage = .none
                list[index] = newValue
                storage = .many(list)
            default: preconditionFailure("subtitle index \(index) out of range")
            }
        }
    }

    /// The subtitles as an array (allocated for one subtitle or more).
    var array: [ManifestSubtitle] {
        switch storage {
        case .none: return []
        case .one(let subtitle): return [subtitle]
        case .many(let list): return list
        }
    }

    mutating func append(_ subtitle: ManifestSubtitle) {
        switch storage {
        case .none: storage = .one(subtitle)
        case .one(let first): storage = .many([first, subtitle])
        case .many(var list):
            storage = .none
            list.append(subtitle)
            storage = .many(list)
        }
    }
}
