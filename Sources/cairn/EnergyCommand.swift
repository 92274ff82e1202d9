import ArgumentParser
import CairnCore
import CairnCrypto
import CairnNode
import CairnRPC
import CairnState
import Foundation

struct EnergyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "energy", abstract: "Proof-of-energy: meters, their signed readings and kWh certificates (Specs/depin/energy.md).",
        subcommands: [RegisterMeter.self, Bond.self, Report.self, ReportEquivocation.self, TransferCertificate.self, Retire.self,
                      Meter.self, Readings.self, Certificates.self])

    struct RegisterMeter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register-meter",
            abstract: "Register a meter device the sender owns, with its nameplate capacity and technology, bonding --bond.",
            discussion: "Its readings count once the meter has also asserted a location (`cairn device assert-location`).")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The meter device's id.") var meter: String
        @Option(help: "Nameplate capacity in watts.") var capacity: UInt64
        @Option(help: "solar, wind or other (only solar meters are held to the sun).") var technology: String
        @Option(help: "Bond: base units or CAIRN with a suffix (default: the chain's min_bond).") var bond: String?

        func validate() throws {
            guard MeterTechnology(name: technology) != nil else {
                throw ValidationError("--technology must be solar, wind or other, not '\(technology)'")
            }
            guard capacity > 0 else { throw ValidationError("--capacity must be at least 1 W") }
        }

        func run() async throws {
            let id = try DeviceArgument.address("--meter", meter)
            let kind = MeterTechnology(name: technology)!
            let stated = try bond.map { text in try DeviceArgument.parse("--bond", text) { try AmountFormat.parse($0) } }
            let session = try await sender.open()
            let amount: Amount
            if let stated { amount = stated } else { amount = try await EnergyLookup.minBond(session.rpc) }
            let registration = MeterRegistration(meter: id, capacity: capacity, technology: kind, bond: amount)
            try await sender.send(.energy(.register(registration)), in: session) { _ in
                "register \(kind) meter \(id) of \(capacity) W, bonding \(AmountFormat.display(amount))"
            }
        }
    }

    struct Bond: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add to a meter's bond, or withdraw from it (paid after the chain's bond_unlock_delay, slashable until then).",
            subcommands: [TopUp.self, Withdraw.self])

        struct TopUp: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "top-up", abstract: "Add to a meter's bond.")
            @OptionGroup var sender: TransactionSender
            @Option(help: "The meter device's id.") var meter: String
            @Option(help: "Amount: base units or CAIRN with a suffix.") var amount: String

            func run() async throws {
                let id = try DeviceArgument.address("--meter", meter)
                let value = try DeviceArgument.parse("--amount", amount) { try AmountFormat.parse($0) }
                try await sender.send(.energy(.topUpBond(meter: id, amount: value))) { _ in
                    "add \(AmountFormat.display(value)) to the bond of \(id)"
                }
            }
        }

        struct Withdraw: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Take part or all of a meter's bond out; what stays must be 0 or at least min_bond.")
            @OptionGroup var sender: TransactionSender
            @Option(help: "The meter device's id.") var meter: String
            @Option(help: "Amount: base units or CAIRN with a suffix.") var amount: String

            func run() async throws {
                let id = try DeviceArgument.address("--meter", meter)
                let value = try DeviceArgument.parse("--amount", amount) { try AmountFormat.parse($0) }
                try await sender.send(.energy(.withdrawBond(meter: id, amount: value))) { _ in
                    "withdraw \(AmountFormat.display(value)) from the bond of \(id)"
                }
            }
        }
    }

    /// What a meter (or the gateway beside it) runs: the meter signs its readings as one batch
    /// and the batch goes to the chain as an energy attestation. A gateway relays other meters'
    /// batches in the same attestation with --batch.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "As the meter: sign a batch of readings with the device key and submit it as one energy attestation.",
            discussion: """
            Each --reading is SLOT:CUMULATIVE_WH:SEQUENCE: the slot it closes (Unix seconds ÷ the chain's \
            slot_length, 300 on the devnet), the meter's cumulative register in Wh and its reading counter. \
            The chain judges every reading; see the verdicts with `cairn energy readings METER [--rejected]`. \
            With --sign-only the signed batch is printed as hex instead (for a gateway's --batch, or as \
            equivocation evidence) and nothing is sent.
            """)
        @OptionGroup var client: ClientOptions
        @OptionGroup var device: DeviceKeyOptions
        @OptionGroup var home: HomeOption
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "A reading SLOT:CUMULATIVE_WH:SEQUENCE (repeat, in order).") var reading: [String] = []
        @Option(help: "Another meter's signed batch, 0x-hex, to carry in the same attestation (repeat).") var batch: [String] = []
        @Option(help: "The chain id the batch is signed for (default: the node's).") var chainId: String?
        @Flag(help: "Print the signed batch as hex; submit nothing.") var signOnly = false

        func validate() throws {
            guard !reading.isEmpty else { throw ValidationError("give at least one --reading SLOT:CUMULATIVE_WH:SEQUENCE") }
            guard reading.count <= Int(EnergyParameters.readingsCap) else {
                throw ValidationError("at most \(EnergyParameters.readingsCap) --reading a batch, not \(reading.count)")
            }
            if signOnly, !batch.isEmpty { throw ValidationError("--batch is for submitting; --sign-only signs this meter's batch alone") }
        }

        func run() async throws {
            let readings = try reading.enumerated().map { i, text in try EnergyArgument.reading("--reading \(i + 1)", text) }
            let relayed = try batch.enumerated().map { i, text in try EnergyArgument.signedBatch("--batch \(i + 1)", text) }
            let key = try device.choice.load(home: home, passphrase: passphrase)
            let rpc = JSONRPCClient(url: client.rpc)
            let chainID: String
            if let chainId { chainID = chainId } else { chainID = try await EnergyLookup.chainID(rpc) }
            let signed = ReadingBatch(meter: key.address, readings: readings).signed(with: key, chainID: chainID)
            let hex = Hex.prefixed(signed.canonicalBytes)
            if signOnly {
                if client.json { return print(JSONText.string(["batch": .string(hex), "meter": .string(key.address.checksummed)])) }
                return print(hex)
            }
            let attestation = EnergyAttestation(batches: [signed] + relayed).attestation
            let submitted: JSONValue
            do { submitted = try await rpc.call("attest_submit", [.string(Hex.prefixed(attestation.canonicalBytes))]) } catch {
                if case .rpc(let rejection) = error, let reason = rejection.data?["reason"]?.stringValue {
                    throw UserError("the node refused the attestation (\(reason)): \(rejection.message)")
                }
                throw error
            }
            if client.json {
                return print(JSONText.string(["attestation": submitted, "meter": .string(key.address.checksummed), "batch": .string(hex),
                                              "readings": .integer(Int64(readings.count)), "batches": .integer(Int64(1 + relayed.count))]))
            }
            let slots = "slots \(readings.first!.slot)…\(readings.last!.slot)"
            print("submitted attestation \(submitted.stringValue ?? "?"): \(readings.count) reading\(readings.count == 1 ? "" : "s") of "
                  + "\(key.address) (\(slots))" + (relayed.isEmpty ? "" : " and \(relayed.count) relayed batch\(relayed.count == 1 ? "" : "es")"))
            print("verdicts, once included: cairn energy readings \(key.address) [--rejected]")
        }
    }

    struct ReportEquivocation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report-equivocation",
            abstract: "Report two batches in which a meter signed different readings of one slot: it is frozen and its bond slashed.",
            discussion: """
            Each batch is a signed batch as `cairn energy report --sign-only` prints it, given as hex or \
            read from a file. Without indices the first slot both batches carry with different readings is used.
            """)
        @OptionGroup var sender: TransactionSender
        @Option(help: "The first signed batch, 0x-hex.") var first: String?
        @Option(help: "A file holding the first signed batch as hex, instead of --first.") var firstFile: String?
        @Option(help: "The second signed batch, 0x-hex.") var second: String?
        @Option(help: "A file holding the second signed batch as hex, instead of --second.") var secondFile: String?
        @Option(help: "The conflicting reading's position in the first batch (from 0).") var firstIndex: UInt64?
        @Option(help: "The conflicting reading's position in the second batch (from 0).") var secondIndex: UInt64?

        func validate() throws {
            guard (first == nil) != (firstFile == nil) else { throw ValidationError("give exactly one of --first HEX and --first-file FILE") }
            guard (second == nil) != (secondFile == nil) else { throw ValidationError("give exactly one of --second HEX and --second-file FILE") }
            guard (firstIndex == nil) == (secondIndex == nil) else {
                throw ValidationError("give both --first-index and --second-index, or neither to find the conflicting slot")
            }
        }

        func run() async throws {
            let a = try EnergyArgument.signedBatch(text: first, file: firstFile, flag: "--first")
            let b = try EnergyArgument.signedBatch(text: second, file: secondFile, flag: "--second")
            guard a.batch.meter == b.batch.meter else {
                throw ValidationError("--first is signed for meter \(a.batch.meter) and --second for \(b.batch.meter): evidence needs one meter")
            }
            let indices: (UInt64, UInt64)
            if let firstIndex, let secondIndex {
                indices = (firstIndex, secondIndex)
            } else if let found = EnergyArgument.conflict(a.batch, b.batch) {
                indices = found
            } else {
                throw ValidationError("--first and --second carry no slot with two different readings: nothing to report")
            }
            let evidence = EquivocationEvidence(first: a, firstIndex: indices.0, second: b, secondIndex: indices.1)
            let slot = a.batch.readings.indices.contains(Int(clamping: indices.0)) ? "slot \(a.batch.readings[Int(indices.0)].slot)" : "readings \(indices)"
            try await sender.send(.energy(.reportEquivocation(evidence))) { reporter in
                "report meter \(a.batch.meter) for two readings of \(slot), reporter \(reporter)"
            }
        }
    }

    struct TransferCertificate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "transfer-certificate",
            abstract: "Give certificates (serials --first … --first + --count − 1 of lot --lot) to another address.")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The lot id (its first serial, as `cairn energy certificates` lists it).") var lot: UInt64
        @Option(help: "The first serial to move.") var first: UInt64
        @Option(help: "How many certificates.") var count: UInt64
        @Option(help: "The recipient's address.") var to: String

        func run() async throws {
            let range = try EnergyArgument.range(lot: lot, first: first, count: count)
            let recipient = try DeviceArgument.address("--to", to)
            try await sender.send(.energy(.transferCertificates(range, to: recipient))) { from in
                "transfer certificates \(first)…\(first &+ count &- 1) of lot \(lot) from \(from) to \(recipient)"
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire certificates for good, for a beneficiary and a purpose: they can never move again.")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The lot id (its first serial).") var lot: UInt64
        @Option(help: "The first serial to retire.") var first: UInt64
        @Option(help: "How many certificates.") var count: UInt64
        @Option(help: "On whose behalf the energy is claimed.") var beneficiary: String
        @Option(help: "What the claim is for (e.g. a reporting year).") var purpose: String

        func run() async throws {
            let range = try EnergyArgument.range(lot: lot, first: first, count: count)
            try EnergyArgument.text("--beneficiary", beneficiary)
            try EnergyArgument.text("--purpose", purpose)
            try await sender.send(.energy(.retireCertificates(range, beneficiary: beneficiary, purpose: purpose))) { _ in
                "retire certificates \(first)…\(first &+ count &- 1) of lot \(lot) for \(beneficiary)"
            }
        }
    }
}

/// Reading the energy commands' flags; every message names the flag.
enum EnergyArgument {
    /// SLOT:CUMULATIVE_WH:SEQUENCE.
    static func reading(_ flag: String, _ text: String) throws -> MeterReading {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let slot = UInt64(parts[0]), let energy = UInt64(parts[1]), let sequence = UInt64(parts[2]) else {
            throw ValidationError("\(flag) '\(text)' must be SLOT:CUMULATIVE_WH:SEQUENCE, three whole numbers (e.g. 5930000:1004000:2)")
        }
        return MeterReading(slot: slot, energy: energy, sequence: sequence)
    }

    static func signedBatch(_ flag: String, _ text: String) throws -> SignedBatch {
        try DeviceArgument.parse(flag, text) { try SignedBatch(canonicalBytes: try Hex.decode($0.trimmingCharacters(in: .whitespacesAndNewlines))) }
    }

    /// A signed batch from the flag's hex or from the hex text in `file`.
    static func signedBatch(text: String?, file: String?, flag: String) throws -> SignedBatch {
        if let text { return try signedBatch(flag, text) }
        let path = file ?? ""
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(flag)-file: cannot read \(path)") }
        return try signedBatch("\(flag)-file \(path)", String(decoding: data, as: UTF8.self))
    }

    /// The first reading of `a` whose slot `b` also carries with a different energy or sequence.
    static func conflict(_ a: ReadingBatch, _ b: ReadingBatch) -> (UInt64, UInt64)? {
        for (i, x) in a.readings.enumerated() {
            if let j = b.readings.firstIndex(where: { $0.slot == x.slot && $0 != x }) { return (UInt64(i), UInt64(j)) }
        }
        return nil
    }

    static func range(lot: UInt64, first: UInt64, count: UInt64) throws -> CertificateRange {
        guard count > 0 else { throw ValidationError("--count must be at least 1") }
        guard first >= lot else { throw ValidationError("--first \(first) is before lot \(lot): a lot's serials start at its id") }
        guard !first.addingReportingOverflow(count).overflow else { throw ValidationError("--first \(first) + --count \(count) overflows") }
        return CertificateRange(lot: lot, first: first, count: count)
    }

    /// The decoder's bound on a retirement's texts; the chain's own (smaller) limits are its parameters.
    static func text(_ flag: String, _ value: String) throws {
        guard value.utf8.count <= Int(EnergyParameters.textCap) else {
            throw ValidationError("\(flag) is \(value.utf8.count) bytes, more than \(EnergyParameters.textCap)")
        }
    }
}
