import Synchronization

/// Whether this validator can sign right now, readable at once by `/health`, `node_status` and
/// the metrics without waiting for the consensus driver. A validator that cannot persist its
/// sign state cannot vote, so its chain makes no progress through it; operators must see that.
public final class SigningHealth: Sendable {
    public struct Failure: Sendable, Equatable {
        /// What failed, as the double-sign guard put it.
        public let reason: String
        /// Failed attempts in a row (the driver retries with back-off).
        public let attempts: Int
    }

    private let state = Mutex<Failure?>(nil)

    public init() {}

    /// Nil while signing works (or the node has nothing to sign yet).
    public var failure: Failure? { state.withLock { $0 } }

    /// Records a failed attempt; returns how many failed in a row.
    @discardableResult
    func failed(_ reason: String) -> Int {
        state.withLock { current in
            let attempts = (current?.attempts ?? 0) + 1
            current = Failure(reason: reason, attempts: attempts)
            return attempts
        }
    }

    /// Records a success; returns whether it ended a run of failures.
    @discardableResult
    func succeeded() -> Bool {
        state.withLock { current in
            defer { current = nil }
            return current != nil
        }
    }
}
