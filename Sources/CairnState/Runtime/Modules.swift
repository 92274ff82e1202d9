import CairnCore

extension Runtime {
    /// The registration list: every module this binary runs, per protocol version, in
    /// begin-block and end-block order (Specs/runtime.md §2). The only place modules are named.
    public static let standard = Runtime([
        try! RuleSet(version: 1, modules: [BankModule(), StakingModule(), DevicesModule(), CoverageModule(), StorageModule(),
                                          EnergyModule()]),
    ])
}
