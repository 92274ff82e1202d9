import CairnCore
import CairnFuzzChecks
import CairnCrypto
import Foundation
import Testing

/// Replays every input under Tests/Fuzz/<Target>/ (crashers the fuzzers found, once fixed, and a
/// small sample of their corpora) through the fuzz targets' own checks (CairnFuzzChecks) on every test run.
@Suite struct FuzzReplayTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// Files of Tests/Fuzz/<target>/, sorted, as (name, bytes).
    static func inputs(_ target: String) -> [String] {
        let dir = root.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            let path = dir.appendingPathComponent(name).path
            return !name.hasPrefix(".") && !name.hasSuffix(".md")
                && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted().map { "\(target)/\($0)" }
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(name)))
    }

    @Test func everyTargetHasReplayInputs() {
        for target in ["FuzzCanonical", "FuzzGenesis", "FuzzMerkle", "FuzzCrypto"] {
            #expect(!Self.inputs(target).isEmpty, "Tests/Fuzz/\(target) is empty")
        }
    }

    @Test(arguments: inputs("FuzzCanonical")) func canonical(_ name: String) throws {
        let problem = CanonicalChecks.check(try Self.bytes(name))
        #expect(problem == nil, "\(name): \(problem ?? "")")
    }

    @Test(arguments: inputs("FuzzGenesis")) func genesis(_ name: String) throws {
        let problem = GenesisChecks.check(try Self.bytes(name))
        #expect(problem == nil, "\(name): \(problem ?? "")")
    }

    @Test(arguments: inputs("FuzzMerkle")) func merkle(_ name: String) throws {
        let problem = MerkleChecks.check(try Self.bytes(name))
        #expect(problem == nil, "\(name): \(problem ?? "")")
    }

    @Test(arguments: inputs("FuzzCrypto")) func crypto(_ name: String) throws {
        let problem = CryptoChecks.check(try Self.bytes(name))
        #expect(problem == nil, "\(name): \(problem ?? "")")
    }

}
