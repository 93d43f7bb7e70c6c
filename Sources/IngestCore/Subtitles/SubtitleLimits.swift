/// Bounds on subtitle files, checked before a file is read.
public enum SubtitleLimits {
    /// The largest subtitle file validation reads: 10 MiB. A feature film's subtitles are a few
    /// hundred kilobytes; a file past this is refused from its size (`SUBTITLE_TOO_LARGE`) without
    /// being read, so a stray 300 MB file costs validation no memory.
    public static let maxBytes: Int64 = 10 * 1024 * 1024
}
