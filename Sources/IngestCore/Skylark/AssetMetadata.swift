/// The `asset` user metadata value Skylark reads from the watchfolder: one rule for the transfer stage,
/// which sends it, and the manifest check of its size (`ItemRules.checkMetadata`).
public enum AssetMetadata {
    /// `{"uid": "<uid>"}`, exactly as the guide writes it (the uid as a JSON string).
    public static func value(uid: String) -> String { "{\"uid\": " + JSONValue.quoted(uid) + "}" }
}
