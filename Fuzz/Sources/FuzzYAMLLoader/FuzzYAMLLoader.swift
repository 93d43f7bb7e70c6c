import FuzzLoaderSupport
import FuzzSupport

/// libFuzzer entry point: loads the input as a YAML manifest.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAMLLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    LoaderInvariants.run(bytes, format: .yaml)
    return 0
}

/// The executable's entry point (SwiftPM defines `main` as `FuzzYAMLLoader_main`): hands over to libFuzzer.
@_cdecl("FuzzYAMLLoader_main")
public func fuzzYAMLLoaderMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc: argc, argv: argv, fuzzYAMLLoader)
}
