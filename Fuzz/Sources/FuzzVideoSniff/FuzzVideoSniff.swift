import FuzzSupport

/// libFuzzer entry point: sniffs the input as a video header.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVideoSniff(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    VideoSniffInvariants.run(bytes)
    return 0
}

/// The executable's entry point (SwiftPM defines `main` as `FuzzVideoSniff_main`): hands over to libFuzzer.
@_cdecl("FuzzVideoSniff_main")
public func fuzzVideoSniffMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc: argc, argv: argv, fuzzVideoSniff)
}
