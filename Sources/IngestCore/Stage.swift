import Foundation

/// The pipeline's stages, in the order they run for an item.
public enum Stage: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case validate
    case assets
    case documents
    case transfer
    case confirm

    /// The stages `run` performs when `--stages` is not given.
    public static let defaultRun: [Stage] = [.validate, .assets, .documents, .transfer]

    /// Parses `--stages`: a comma list of stage names, or `all`; the result is in pipeline order.
    public static func parseList(_ text: String) throws -> [Stage] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "all" { return Stage.allCases }
        var stages = Set<Stage>()
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let stage = Stage(rawValue: name) else {
                throw IngestError(code: .usageUnknownStage, message: "unknown stage '\(name)' in --stages",
                                  hint: "use a comma list of validate, assets, documents, transfer, confirm, or 'all'")
            }
            stages.insert(stage)
        }
        return Stage.allCases.filter(stages.contains)
    }

    private var order: Int { Stage.allCases.firstIndex(of: self)! }

    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.order < rhs.order }
}
