/// How Skylark names the data source of a simple-mode object (a video uploaded without an asset uid):
/// one rule for the confirm stage, which finds the asset by it, and for the sandbox, which names it.
public enum SkylarkDataSource {
    /// The data source Skylark gives a simple-mode object: the key's last segment without its extension.
    public static func id(forKey key: String) -> String {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
