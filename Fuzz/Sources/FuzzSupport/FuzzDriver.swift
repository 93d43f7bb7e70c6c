import CLibFuzzer

/// Starts libFuzzer from a SwiftPM executable's entry point.
public enum FuzzDriver {
    /// Runs libFuzzer with the process arguments over `callback`; returns its exit status.
    public static func run(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32 {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, callback)
    }
}
