/// Block execution runs the staking rules directly on the block's overlay.
extension StateOverlay: StakingStore {}
