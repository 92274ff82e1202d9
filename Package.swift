// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Cairn",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cairn", targets: ["cairn"]),
        // For the nested FuzzTesting package (FuzzTesting/Package.swift), which builds with libFuzzer.
        .library(name: "CairnCrypto", targets: ["CairnCrypto"]),
        .library(name: "CairnCore", targets: ["CairnCore"]),
        .library(name: "CairnRPC", targets: ["CairnRPC"]),
        // The fuzz targets' checks, for FuzzTesting/ (the replay tests use them directly).
        .library(name: "CairnFuzzChecks", targets: ["CairnFuzzChecks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // System libraries from Debian.
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CLevelDB", providers: [.apt(["libleveldb-dev"])]),

        // Hashing, keys, signatures, addresses, HD wallets.
        .target(name: "CairnCrypto", dependencies: [
            "CSecp256k1",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        // Types and the canonical encoding.
        .target(name: "CairnCore", dependencies: ["CairnCrypto"], swiftSettings: swiftSettings),
        // LevelDB, the block store and the authenticated state tree.
        .target(name: "CairnStorage", dependencies: ["CLevelDB", "CairnCore"], swiftSettings: swiftSettings),
        // Integer geometry and radio math for proof-of-coverage: coordinates, the cell grid, distance, path loss.
        .target(name: "CairnGeo", swiftSettings: swiftSettings),
        // The deterministic state machine.
        .target(name: "CairnState", dependencies: ["CairnCore", "CairnStorage", "CairnGeo"], swiftSettings: swiftSettings),
        .target(name: "CairnMempool", dependencies: [
            "CairnState",
            .product(name: "Collections", package: "swift-collections"),
        ], swiftSettings: swiftSettings),
        // The Tendermint state machine, proposer selection, the double-sign guard and the journal.
        .target(name: "CairnConsensus", dependencies: [
            "CairnCore",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // Authenticated, encrypted peer connections and the peer set.
        .target(name: "CairnP2P", dependencies: [
            "CairnCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        .target(name: "CairnRPC", dependencies: [
            "CairnCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        .target(name: "CairnNode", dependencies: [
            "CairnState", "CairnMempool", "CairnConsensus", "CairnP2P", "CairnRPC",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ], swiftSettings: swiftSettings),
        // The encrypted keyring of `cairn keys` (named v3 keystores in a directory).
        .target(name: "CairnKeyring", dependencies: ["CairnCrypto"], swiftSettings: swiftSettings),
        // Benchmarks and localnet tooling, on top of the node.
        .target(name: "CairnTools", dependencies: [
            "CairnNode",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        .executableTarget(name: "cairn", dependencies: [
            "CairnNode", "CairnTools", "CairnKeyring",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: swiftSettings),

        // Shared by the test targets only.
        .target(name: "CairnTestSupport", path: "Tests/CairnTestSupport", swiftSettings: swiftSettings),
        // Test-only runtime modules (an attestation-carrying one), for the state and node tests.
        .target(name: "CairnRuntimeTestSupport", dependencies: ["CairnState"], path: "Tests/CairnRuntimeTestSupport",
                swiftSettings: swiftSettings),
        // What every fuzz target checks; FuzzReplayTests runs the same checks on committed inputs.
        .target(name: "CairnFuzzChecks", dependencies: ["CairnCore", "CairnCrypto", "CairnState"], path: "Tests/CairnFuzzChecks",
                swiftSettings: swiftSettings),

        .testTarget(name: "CairnCryptoTests", dependencies: ["CairnTestSupport", "CairnCrypto"], swiftSettings: swiftSettings),
        .testTarget(name: "CairnGeoTests", dependencies: ["CairnGeo", "CairnTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CairnCoreTests", dependencies: ["CairnFuzzChecks", "CairnTestSupport", "CairnState",
            "CairnCore", .product(name: "PropertyBased", package: "swift-property-based"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "CairnStorageTests", dependencies: ["CairnTestSupport", 
            "CairnStorage", .product(name: "PropertyBased", package: "swift-property-based"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "CairnStateTests", dependencies: ["CairnTestSupport", "CairnRuntimeTestSupport", "CairnState"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "CairnMempoolTests", dependencies: ["CairnTestSupport", "CairnMempool"], swiftSettings: swiftSettings),
        .testTarget(name: "CairnConsensusTests", dependencies: ["CairnTestSupport", "CairnConsensus"], swiftSettings: swiftSettings),
        .testTarget(name: "CairnP2PTests", dependencies: ["CairnTestSupport", "CairnP2P"], swiftSettings: swiftSettings),
        .testTarget(name: "CairnRPCTests", dependencies: [
            "CairnCore",
            "CairnRPC", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "CairnNodeTests", dependencies: ["CairnTestSupport", "CairnRuntimeTestSupport", "CairnNode"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "CairnKeyringTests", dependencies: ["CairnKeyring"], swiftSettings: swiftSettings),
        .testTarget(name: "CairnToolsTests", dependencies: ["CairnNode", "CairnTools"], swiftSettings: swiftSettings),
        .testTarget(name: "CairnIntegrationTests", dependencies: ["CairnNode", "CairnTools"], swiftSettings: swiftSettings),
    ]
)
