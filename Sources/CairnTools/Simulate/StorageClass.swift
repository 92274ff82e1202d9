/// What a simulated storage provider is, in the simulator's bookkeeping (the chain never sees it).
public enum StorageClass: String, CaseIterable, Sendable, Comparable {
    /// Keeps every byte of every deal and proves every period.
    case honest
    /// Lost a fraction of each deal's chunks on disk (overwritten with zeros). It notices when a
    /// challenged chunk no longer hashes to the leaf it kept and then sends nothing: a garbage
    /// answer would be the same fault (`invalid_proof` instead of `missed_proof`) and signed
    /// evidence besides, so withholding is what a rational provider does. A period is a fault
    /// with probability 1 − (1 − f)^c (storage.md §1).
    case partialLoss = "partial_loss"
    /// Took the deals and went offline: never proves (`missed_proof`), and each deal is
    /// terminated after `max_consecutive_faults` periods.
    case offline
    /// Stores another file of the same size in place of the deal's and answers with its chunks
    /// and their paths (`invalid_proof`).
    case wrongFile = "wrong_file"

    public static func < (a: StorageClass, b: StorageClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
