import CairnCore
@testable import CairnState
import Testing

/// The `energy` parameters record (Specs/depin/energy.md §2): defaults that run a chain, every
/// bound refused with its field through the genesis parser, and the JSON and binary forms.
@Suite("Energy parameters")
struct EnergyParametersTests {
    @Test func theDefaultsRunAChainAndRoundTrip() throws {
        let p = EnergyParameters.defaults
        #expect(p.problem == nil)
        #expect(try EnergyParameters(canonicalBytes: p.canonicalBytes) == p)
        #expect(try EnergyParameters(json: p.json, base: EnergyParameters(slotLength: 900)) == p)
        #expect(p.json["min_bond"]?.stringValue == "50000000000000000000" && p.json["slot_length"]?.integerValue == 300)
        let records = try Runtime.standard.latest.parameterRecords(["energy": ["slot_length": 900, "min_bond": "7"]])
        let parsed = try EnergyParameters(canonicalBytes: try #require(records.first { $0.module == "energy" }).encoded)
        #expect(parsed.slotLength == 900 && parsed.minBond == 7 && parsed.maxBatches == p.maxBatches)
    }

    @Test func eachBoundIsRefusedWithItsField() {
        let cases: [(JSONValue, String)] = [
            (["slot_length": 59], "slot_length"),
            (["slot_length": 86_401], "slot_length"),
            (["submission_window": 299], "submission_window"),
            (["submission_window": 31_536_001], "submission_window"),
            (["capacity_tolerance": 1_000_001], "capacity_tolerance"),
            (["night_elevation_threshold": 18_000_001], "night_elevation_threshold"),
            (["max_capacity": 0], "max_capacity"),
            (["max_capacity": 1_000_000_001], "max_capacity"),
            (["min_bond": "0"], "min_bond"),
            (["min_bond": 5], "min_bond"),
            (["bond_unlock_delay": 0], "bond_unlock_delay"),
            (["slash_share": 1_000_001], "slash_share"),
            (["reporter_share": 1_000_001], "reporter_share"),
            (["max_batches": 0], "max_batches"),
            (["max_batches": 1_025], "max_batches"),
            (["max_batch_readings": 289], "max_batch_readings"),
            (["certificate_energy": 0], "certificate_energy"),
            (["max_beneficiary_length": 1_025], "max_beneficiary_length"),
            (["max_purpose_length": 1_025], "max_purpose_length"),
            (["slot_lenght": 300], "slot_lenght"),
        ]
        for (json, field) in cases {
            do {
                _ = try Runtime.standard.latest.parameterRecords(["energy": json])
                Issue.record("\(json) was accepted")
            } catch {
                #expect(error.field == "params.energy.\(field)", "\(json): \(error)")
            }
        }
    }
}
