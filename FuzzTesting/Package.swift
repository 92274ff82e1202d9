// swift-tools-version:6.1
// libFuzzer targets for Cairn's input parsers. A separate package so that `--sanitize fuzzer`
// never touches the main package's build or `swift test`. Build and run: see README.md / run.sh.
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]
let checks: Target.Dependency = .product(name: "CairnFuzzChecks", package: "Cairn")

let package = Package(
    name: "CairnFuzzTesting",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Cairn", path: ".."),
    ],
    targets: [
        // Each target is a thin entry point around the checks in the root package's
        // CairnFuzzChecks (Tests/CairnFuzzChecks), which the replay tests run too.
        .executableTarget(name: "FuzzCanonical", dependencies: [checks], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzGenesis", dependencies: [checks], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzMerkle", dependencies: [checks], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzCrypto", dependencies: [checks], swiftSettings: swiftSettings),
        // Pulls in Hummingbird/NIO through CairnRPC: much slower to build than the others.
        .executableTarget(name: "FuzzJSON", dependencies: [
            .product(name: "CairnRPC", package: "Cairn"),
        ], swiftSettings: swiftSettings),
    ]
)
