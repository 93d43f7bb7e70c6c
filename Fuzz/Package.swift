// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for the manifest loaders and the subtitle checker.
// Build and run with scripts/fuzz (swift build -c release -Xswiftc -sanitize=fuzzer,address
// -Xswiftc -parse-as-library); each executable's main comes from libFuzzer.

let package = Package(
    name: "skylark-ingest-fuzz",
    platforms: [.macOS(.v15)],  // as the package it fuzzes (Synchronization.Mutex)
    dependencies: [
        .package(name: "skylark-ingest", path: ".."),
    ],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver: SwiftPM's executable entry point starts the fuzzer.
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer", .product(name: "IngestCore", package: "skylark-ingest")]),
        // Separate so the subtitle targets build without the manifest loaders.
        .target(name: "FuzzLoaderSupport", dependencies: ["FuzzSupport", .product(name: "IngestCore", package: "skylark-ingest")]),
        .executableTarget(name: "FuzzSRT", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzWebVTT", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzVideoSniff", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzYAMLLoader", dependencies: ["FuzzLoaderSupport"]),
        .executableTarget(name: "FuzzCSVLoader", dependencies: ["FuzzLoaderSupport"]),
    ]
)
