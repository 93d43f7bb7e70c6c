// swift-tools-version:6.0
import PackageDescription

// Layers depend downward only:
//   skylark-ingest → Session → Pipeline → {Skylark, S3} → HTTPEngine → CCurl
//   CryptoPrimitives → COpenSSL; every layer may use IngestCore and CryptoPrimitives.
//   IngestCore uses no other module of ours. The sandbox's server framework stays out of
//   skylark-ingest's dependency graph.

let package = Package(
    name: "skylark-ingest",
    platforms: [.macOS(.v15)],  // Synchronization.Mutex
    products: [
        .executable(name: "skylark-ingest", targets: ["skylark-ingest"]),
        .executable(name: "skylark-sandbox", targets: ["skylark-sandbox"]),
        // For the fuzzing package in Fuzz/, which depends on this one by path.
        .library(name: "IngestCore", targets: ["IngestCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C system libraries: module maps plus typed shims for variadics and macros only.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // CRC-32C for S3's trailing checksums (CPU instruction where there is one; no libcrypto equivalent).
        .target(name: "CCRC32C"),
        // Multi-buffer MD5: the parts in flight hashed side by side in SIMD lanes (AVX-512, AVX2; scalar elsewhere).
        .target(name: "CMD5Lanes"),

        // Hashes, HMAC, big numbers and secure random bytes over libcrypto.
        .target(name: "CryptoPrimitives", dependencies: ["COpenSSL"]),

        // Pure logic: manifest, validation, subtitles, plan, journal codec, report model, errors.
        .target(name: "IngestCore", dependencies: [.product(name: "Yams", package: "Yams")]),

        // The only module that touches libcurl.
        .target(name: "HTTPEngine", dependencies: ["CCurl", "IngestCore", .product(name: "Logging", package: "swift-log")]),

        .target(name: "S3", dependencies: ["HTTPEngine", "CryptoPrimitives", "IngestCore", "CCRC32C", "CMD5Lanes"]),
        .target(name: "Skylark", dependencies: ["HTTPEngine", "CryptoPrimitives", "IngestCore",
                                                 .product(name: "Logging", package: "swift-log")]),
        .target(name: "Pipeline", dependencies: ["IngestCore", "HTTPEngine", "S3", "Skylark"]),

        // One command's services, built once: configuration, HTTP client, credentials, S3, Skylark, retry
        // executor, checkpoint. Used by skylark-ingest and the journal benchmark (a target, not a product).
        .target(name: "Session", dependencies: [
            "Pipeline", "IngestCore", "S3", "Skylark", "HTTPEngine",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "skylark-ingest", dependencies: [
            "Session", "Pipeline", "IngestCore", "S3", "CryptoPrimitives",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .target(name: "SkylarkSandbox", dependencies: [
            "S3", "Skylark", "CryptoPrimitives", "IngestCore", "HTTPEngine",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "skylark-sandbox", dependencies: [
            "SkylarkSandbox", "IngestCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // The journal benchmark (scripts/bench/run journal): an executable target, not a declared product,
        // so nothing of it ships in skylark-ingest. `swift build -c release --product journal-bench` links it
        // (SwiftPM's implicit product for a root package's executable target).
        .executableTarget(name: "journal-bench", dependencies: [
            "Session", "Pipeline", "IngestCore", "Skylark",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/JournalBenchmark"),
        // CPU per GiB of MD5: OpenSSL's one stream against the lane scheduler at 1 to 16 streams
        // (`swift build -c release --product md5-bench`; like journal-bench, not a declared product).
        .executableTarget(name: "md5-bench", dependencies: ["S3", "CryptoPrimitives"], path: "Benchmarks/MD5Benchmark"),

        // Test support shipped as a target: temp dirs, server processes by pid, binary runner.
        // The Cognito SRP vectors live here, once, for SkylarkTests (client) and SkylarkSandboxTests (server).
        .target(name: "IngestTestSupport", dependencies: [.product(name: "Logging", package: "swift-log")],
                path: "Tests/IngestTestSupport", resources: [.copy("Vectors")]),

        .testTarget(name: "IngestTestSupportTests", dependencies: ["IngestTestSupport"]),
        .testTarget(name: "CryptoPrimitivesTests", dependencies: ["CryptoPrimitives"]),
        .testTarget(name: "IngestCoreTests", dependencies: ["IngestCore", "IngestTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "HTTPEngineTests", dependencies: ["HTTPEngine", "IngestCore", "IngestTestSupport",
                                                     .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "S3Tests", dependencies: ["S3", "HTTPEngine", "CryptoPrimitives", "IngestCore", "IngestTestSupport"],
                    resources: [.copy("Vectors")]),
        .testTarget(name: "SkylarkTests", dependencies: ["Skylark", "SkylarkSandbox", "HTTPEngine", "CryptoPrimitives", "IngestCore",
                                                      "IngestTestSupport", "S3",
                                                      .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "IngestCore", "IngestTestSupport", "S3", "HTTPEngine", "Skylark"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "SessionTests", dependencies: ["Session", "Pipeline", "IngestCore", "IngestTestSupport", "S3"]),
        .testTarget(name: "SkylarkSandboxTests", dependencies: ["SkylarkSandbox", "Skylark", "IngestTestSupport",
                                                                "CryptoPrimitives", "IngestCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["IngestTestSupport", "CryptoPrimitives", "IngestCore"]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
