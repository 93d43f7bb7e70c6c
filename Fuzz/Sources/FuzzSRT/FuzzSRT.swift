import FuzzSupport

/// libFuzzer entry point: checks the input as SRT.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSRT(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    SubtitleInvariants.run(bytes, format: .srt)
    return 0
}

/// The executable's entry point (SwiftPM defines `main` as `FuzzSRT_main`): hands over to libFuzzer.
@_cdecl("FuzzSRT_main")
public func fuzzSRTMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc: argc, argv: argv, fuzzSRT)
}
