import FuzzLoaderSupport
import FuzzSupport

/// libFuzzer entry point: loads the input as a CSV manifest.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    LoaderInvariants.run(bytes, format: .csv)
    return 0
}

/// The executable's entry point (SwiftPM defines `main` as `FuzzCSVLoader_main`): hands over to libFuzzer.
@_cdecl("FuzzCSVLoader_main")
public func fuzzCSVLoaderMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc: argc, argv: argv, fuzzCSVLoader)
}
