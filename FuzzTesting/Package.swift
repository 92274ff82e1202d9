// swift-tools-version:6.1
// libFuzzer targets for Cairn's input parsers. A separate package so that `--sanitize fuzzer`
// never touches the main package's build or `swift test`. Build and run: see README.md / run.sh.
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "CairnFuzzTesting",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Cairn", path: ".."),
    ],
    targets: [
        // The checks every fuzz target applies; each target is a thin entry point around them.
        .target(name: "FuzzChecks", dependencies: [
            .product(name: "CairnCore", package: "Cairn"),
            .product(name: "CairnCrypto", package: "Cairn"),
        ], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzCanonical", dependencies: ["FuzzChecks"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzGenesis", dependencies: ["FuzzChecks"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzMerkle", dependencies: ["FuzzChecks"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzCrypto", dependencies: ["FuzzChecks"], swiftSettings: swiftSettings),
        // Pulls in Hummingbird/NIO through CairnRPC: much slower to build than the others.
        .executableTarget(name: "FuzzJSON", dependencies: [
            .product(name: "CairnRPC", package: "Cairn"),
        ], swiftSettings: swiftSettings),
    ]
)
