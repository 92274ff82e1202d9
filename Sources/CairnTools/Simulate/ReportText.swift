import CairnCore
import CairnRPC
import Foundation

/// The wording every simulation report shares: counts by reason, amounts in CAIRN, JSON numbers.
enum ReportText {
    /// "reason n, reason m", most frequent first; "-" for none.
    static func reasons(_ counts: [String: Int]) -> String {
        counts.isEmpty ? "-" : counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    static func cairn(_ amount: Amount) -> String { AmountFormat.display(amount) }

    static func object(_ counts: [String: Int]) -> JSONValue { .object(counts.mapValues { .integer(Int64($0)) }) }

    static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .integer(Int64(clamping: value)) }

    static func amount(_ value: Amount) -> JSONValue { .string(String(value)) }

    static func fraction(_ value: Double?, digits: Int = 4) -> JSONValue {
        value.map { .number(String(format: "%.\(digits)f", $0)) } ?? .null
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
}
