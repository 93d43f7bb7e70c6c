/// The shape of a Skylark object uid, e.g. `asse_35bbd8a914c84cd3850158ec2783f42a`: four lower-case
/// letters, `_`, 32 lower-case hex digits. Used for the manifest's `uid` and `upload --asset-uid`.
public enum SkylarkUID {
    /// Whether `uid` has the shape `^[a-z]{4}_[0-9a-f]{32}$`.
    public static func isValid(_ uid: String) -> Bool {
        let bytes = Array(uid.utf8)
        guard bytes.count == 37, bytes[4] == 0x5F else { return false }
        for b in bytes[0..<4] where !(b >= 0x61 && b <= 0x7A) { return false }
        for b in bytes[5...] where !((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)) { return false }
        return true
    }

    /// `UID_INVALID` when `uid` does not have the shape; `name` says where it was given (`` `uid` ``, `--asset-uid`).
    public static func problem(_ uid: String, name: String = "`uid`") -> RuleProblem? {
        guard !isValid(uid) else { return nil }
        return RuleProblem(rule: DiagnosticRule.uidInvalid, message: "\(name) \(DiagnosticText.quoted(uid)) is not a Skylark uid",
                           hint: "a uid looks like `asse_35bbd8a914c84cd3850158ec2783f42a` (4 letters, `_`, 32 hex digits)")
    }
}
