/// File checks: every video and subtitle exists, is a regular readable non-empty file; videos
/// have a recognised container; subtitles parse. The only validation step that does I/O (through
/// `FileProbe`); each distinct file is opened once.
enum FileChecks {
    static func check(_ manifest: Manifest, paths: ManifestPaths, into diagnostics: inout [Diagnostic]) {
        var videoResults: [String: Result<FileProbe.Header, FileProbe.Problem>] = [:]
        var subtitleResults: [String: Result<[UInt8], FileProbe.Problem>] = [:]
        var checkedSubtitleContent: Set<String> = []
        for asset in manifest.assets {
            checkVideo(asset, cache: &videoResults, into: &diagnostics)
            for (index, subtitle) in asset.subtitles.enumerated() {
                let field = asset.subtitleFileField(index, format: manifest.format)
                let result: Result<[UInt8], FileProbe.Problem>
                if let cached = subtitleResults[subtitle.path] {
                    result = cached
                } else {
                    result = FileProbe.readAll(subtitle.path)
                    subtitleResults[subtitle.path] = result
                }
                switch result {
                case .failure(let problem):
                    diagnostics.append(problem.diagnostic(at: subtitle.location, what: "subtitle", path: subtitle.file,
                                                          item: asset.id, field: field))
                case .success(let bytes):
                    if bytes.isEmpty {
                        diagnostics.append(FileProbe.Problem.empty.diagnostic(at: subtitle.location, what: "subtitle",
                                                                              path: subtitle.file, item: asset.id, field: field))
                        continue
                    }
                    // A file used by several assets has its content reported once.
                    guard let format = SubtitleFormat.from(path: subtitle.path),
                          checkedSubtitleContent.insert(subtitle.path).inserted else { continue }
                    let display = paths.display(subtitle.file)
                    for issue in SubtitleChecker.check(bytes, format: format).issues {
                        diagnostics.append(Diagnostic(.error, rule: issue.rule, message: issue.message, hint: issue.hint,
                                                      location: SourceLocation(file: display, line: issue.line, column: issue.column),
                                                      itemID: asset.id, field: field))
                    }
                }
            }
        }
    }

    private static func checkVideo(_ asset: ManifestAsset, cache: inout [String: Result<FileProbe.Header, FileProbe.Problem>],
                                   into diagnostics: inout [Diagnostic]) {
        let location = asset.location(of: "video")
        let result: Result<FileProbe.Header, FileProbe.Problem>
        if let cached = cache[asset.videoPath] {
            result = cached
        } else {
            result = FileProbe.header(asset.videoPath, headerLength: VideoContainer.sniffLength)
            cache[asset.videoPath] = result
        }
        switch result {
        case .failure(let problem):
            diagnostics.append(problem.diagnostic(at: location, what: "video", path: asset.video, item: asset.id, field: "video"))
        case .success(let header):
            let ext = ManifestPaths.fileExtension(of: asset.video)
            guard let container = VideoContainer.sniff(header.bytes) else {
                diagnostics.append(.error(DiagnosticRule.videoNotAVideo,
                                          "video file `\(asset.video)` is not a recognised video container",
                                          hint: "expected MP4/MOV (ISO-BMFF), MXF, Matroska/WebM or MPEG-TS; check the file is not a placeholder",
                                          at: location, item: asset.id, field: "video"))
                return
            }
            if let expected = VideoContainer.expected(forExtension: ext), !expected.contains(container) {
                diagnostics.append(.warning(DiagnosticRule.videoExtensionMismatch,
                                            "video file `\(asset.video)` is named `.\(ext)` but contains \(container.displayName)",
                                            hint: "rename the file to match its content", at: location,
                                            item: asset.id, field: "video"))
            }
        }
    }
}
