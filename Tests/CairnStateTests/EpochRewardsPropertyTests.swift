import CairnCore
import CairnCrypto
@testable import CairnState
import CairnTestSupport
import Testing

/// The common settlement (Specs/runtime.md §8.2) over seeded random epochs: amounts minted into a
/// pool, random work (epochs without any among them), settled each epoch. Whatever the draws,
/// every base unit minted is either paid to an owner or still in the pool, exactly, and each
/// epoch's record adds up.
@Suite struct EpochRewardsPropertyTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func mintedIsPaidPlusCarried(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var state = StateOverlay(base: MemoryState())
        let pool = "storage", account = ModuleAccount.address(pool)
        let devices = (0..<12).map { Address(unchecked: Array(Hash32.sha256([UInt8($0), UInt8(truncatingIfNeeded: seed)]).bytes.prefix(20))) }
        let owners = (0..<4).map { Address(unchecked: Array(Hash32.sha256([0xEE, UInt8($0)]).bytes.prefix(20))) }
        var minted: Amount = 0, paid: Amount = 0
        for epoch in 0..<UInt64(60) {
            let amount = Amount(UInt64.random(in: 0...1_000_000_007, using: &rng)) * (rng.next() % 3 == 0 ? 1 : 1_000_000_000_000)
            try state.mint(amount, to: account)
            minted += amount
            // A third of the epochs have no work; the rest a random subset with random work, some of it huge.
            var work: [DeviceWork] = []
            if rng.next() % 3 != 0 {
                for (i, device) in devices.enumerated() where rng.next() % 2 == 0 {
                    let w = rng.next() % 5 == 0 ? UInt128(rng.next()) << 60 : UInt128(rng.next() % 10_000)
                    work.append(DeviceWork(device: device, owner: owners[i % owners.count], work: w))
                }
            }
            let before = try state.account(account).balance
            let ownersBefore = try owners.map { try state.account($0).balance }.reduce(0, +)
            let record = try EpochRewards.settle(pool: pool, epoch: epoch, unit: "byte_periods", work: work.shuffled(using: &rng), at: epoch + 1,
                                                 module: "test", &state)
            let ownersAfter = try owners.map { try state.account($0).balance }.reduce(0, +)
            #expect(record.balance == before && record.paid + record.carried == record.balance)
            #expect(ownersAfter - ownersBefore == record.paid)
            #expect(try state.account(account).balance == record.carried)
            #expect(record.work == work.reduce(UInt128(0)) { $0 + $1.work })
            if work.allSatisfy({ $0.work == 0 }) { #expect(record.paid == 0 && record.devices == 0) }
            // Floor division leaves less than one base unit per paid device.
            if record.work > 0 { #expect(record.carried <= Amount(work.count)) }
            let recorded = try devices.compactMap { try state.get(DeviceEpochReward.self, EpochRewards.deviceKey($0, epoch: epoch, pool: pool)) }
            #expect(recorded.reduce(Amount(0)) { $0 + $1.amount } == record.paid && UInt64(recorded.count) == record.devices)
            paid += record.paid
        }
        #expect(minted == paid + (try state.account(account).balance))
        #expect(try state.supply().total == minted)
    }
}
