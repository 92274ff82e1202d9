/// Block execution runs the staking rules directly on the block's overlay; queries read a view.
extension StateOverlay: StakingStore {}
extension StateView: StakingReader {}
