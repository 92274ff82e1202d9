/// Where the consensus driver's time comes from and how it waits. A node uses the real clock;
/// the driver simulator uses a virtual one, so that whole networks of real drivers run
/// deterministically from a seed. Every timer, delayed start and retry of the driver goes
/// through here: the driver starts no task of its own.
public protocol ConsensusScheduler: Sendable {
    /// Monotonic time: step durations, the minimum block interval, "no progress for so long".
    func now() -> ContinuousClock.Instant
    /// Runs `work` once `delay` has passed (at once for zero), outside the caller.
    func schedule(after delay: Duration, _ work: @escaping @Sendable () async -> Void)
}

/// The real clock: timers are tasks that sleep.
public struct RealTimeScheduler: ConsensusScheduler {
    public init() {}

    public func now() -> ContinuousClock.Instant { .now }

    public func schedule(after delay: Duration, _ work: @escaping @Sendable () async -> Void) {
        Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            await work()
        }
    }
}
