import CairnCore
import CairnCrypto
import CairnRPC
import CairnState

/// Gets the storage fleet's deals running: funds the owners and clients, onboards the providers,
/// registers each one's capacity (the sum of its deals) with the collateral it needs, has the
/// clients propose the deals and the providers' owners accept them.
struct StorageDealMaking: Sendable {
    let sender: ChainSender
    let fleet: StorageFleet
    let holdings: StorageHoldings
    let parameters: StorageParameters
    let options: StorageSimulator.Options
    let epochLength: UInt64
    let log: @Sendable (String) -> Void

    /// Waves of acceptances at most: enough to spread the deadlines, few enough to start soon.
    static let maxWaves = 10

    func capacity(_ provider: Int) -> UInt64 { fleet.deals(of: provider).map(\.size).reduce(0, +) }

    /// Periods enough to outlast the run and the wait for its settlement.
    var periods: UInt64 {
        min(parameters.maxDealPeriods, (UInt64(options.blocks) + 2 * epochLength) / parameters.provingPeriod + 2)
    }

    var price: Amount { options.pricePerPeriod * Amount(periods) }

    /// Twice the least collateral the chain accepts, and never zero.
    var dealCollateral: Amount { max(1, price * Amount(parameters.minDealCollateral) / 1_000_000 * 2) }

    /// Returns the chain's deal id of every deal accepted, by the deal's index.
    func make(devices: DevicesParameters, into report: inout StorageReport) async throws -> [Int: UInt64] {
        let onboarding = FleetOnboarding(sender: sender, maker: options.maker, rogueMaker: fleet.rogueMaker, owners: fleet.accounts,
                                         devices: fleet.devices, log: log)
        let fee = sender.fee
        var needs = onboarding.ownerNeeds(devices) { d in
            let i = fleet.devices.firstIndex { $0.id == d.id }!
            return parameters.providerCollateral(capacity: capacity(i)) + fee
                + Amount(fleet.deals(of: i).count) * (dealCollateral + fee)
        }
        for deal in fleet.deals { needs[deal.client, default: AmountFormat.unit] += price + fee }
        try await onboarding.fund(needs, from: options.funder)

        let (admitted, refused) = try await onboarding.onboard()
        let registration = try await onboarding.perDevice(admitted.sorted(), what: "provider registrations") { d in
            let i = fleet.devices.firstIndex { $0.id == d.id }!
            return .storage(.registerProvider(device: d.id, capacity: capacity(i), collateral: parameters.providerCollateral(capacity: capacity(i))))
        }
        for c in StorageClass.allCases {
            report.classes[c, default: StorageClassTally()].onboarded = fleet.devices.indices.filter { fleet.devices[$0].fleetClass == c && admitted.contains($0) }.count
            report.classes[c]?.onboardingRefused = refused[c] ?? [:]
            report.classes[c]?.registrationRefused = registration.refusals[c] ?? [:]
            report.classes[c]?.ids = fleet.devices.indices.filter { fleet.devices[$0].fleetClass == c && admitted.contains($0) }
                .map { fleet.devices[$0].id.checksummed }
        }

        let offered = fleet.deals.filter { registration.admitted.contains($0.provider) }
        log("proposing \(offered.count) deals of \(periods) periods at \(AmountFormat.display(options.pricePerPeriod)) a period…")
        let proposals = try await sender.commit(offered.map { deal in
            let proposal = DealProposal(provider: fleet.devices[deal.provider].id, dataRoot: holdings.holdings[deal.index].root, size: deal.size,
                                        pricePerPeriod: options.pricePerPeriod, periods: periods, collateral: dealCollateral)
            return ChainSender.Item(sender: fleet.accounts[deal.client], operation: .storage(.proposeDeal(proposal)))
        }, what: "\(offered.count) deal proposals")
        var proposed: [(SimDeal, UInt64)] = []
        for (deal, outcome) in zip(offered, proposals) {
            switch outcome {
            case .committed(_, let events):
                guard let id = ChainEvents.all(events, kind: "deal_proposed").first?["deal"].flatMap(UInt64.init) else {
                    throw SimulationError("a committed proposal has no storage/deal_proposed event")
                }
                proposed.append((deal, id))
            case .refused(let reason): refuse(deal, reason, &report)
            }
        }

        // Acceptances in waves, each committed before the next, so the deals start at different
        // heights and their deadlines spread over the period (storage.md §5) instead of every
        // proof of the fleet falling due in one block.
        let waves = max(1, min(Int(parameters.provingPeriod), Self.maxWaves, proposed.count))
        log("accepting \(proposed.count) deals in \(waves) waves…")
        var accepted: [Int: UInt64] = [:]
        for wave in 0..<waves {
            let group = stride(from: wave, to: proposed.count, by: waves).map { proposed[$0] }
            let acceptances = try await sender.commit(group.map { deal, id in
                ChainSender.Item(sender: fleet.accounts[fleet.devices[deal.provider].owner],
                                 operation: .storage(.acceptDeal(deal: id, collateral: dealCollateral)))
            }, what: "\(group.count) deal acceptances")
            for ((deal, id), outcome) in zip(group, acceptances) {
                switch outcome {
                case .committed:
                    accepted[deal.index] = id
                    report.classes[fleet.devices[deal.provider].fleetClass]?.deals += 1
                case .refused(let reason): refuse(deal, reason, &report)
                }
            }
        }
        return accepted
    }

    private func refuse(_ deal: SimDeal, _ reason: String, _ report: inout StorageReport) {
        report.classes[fleet.devices[deal.provider].fleetClass]?.dealsRefused[reason, default: 0] += 1
    }
}
