import FuzzSupport

/// libFuzzer entry point: checks the input as WebVTT.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebVTT(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    SubtitleInvariants.run(bytes, format: .webvtt)
    return 0
}

/// The executable's entry point (SwiftPM defines `main` as `FuzzWebVTT_main`): hands over to libFuzzer.
@_cdecl("FuzzWebVTT_main")
public func fuzzWebVTTMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc: argc, argv: argv, fuzzWebVTT)
}
