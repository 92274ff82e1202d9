#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open file descriptors. Every RPC connection, peer connection and LevelDB
/// table file takes one; when they run out, even the sign-state write fails. Distributions start
/// processes with a soft limit of 1024 and a far higher hard limit, so the node raises its soft
/// limit to the hard one (as geth does) and says so when even that is short of what its
/// configuration may use.
enum OpenFileLimit {
    /// LevelDB's table cache (`LevelDBOptions.maxOpenFiles`) plus the journal, sign state, logs
    /// and listening sockets.
    static let storageAndFiles = 1_000 + 64

    /// Raises the soft limit to the hard limit; returns the limit now in force (nil if unknown).
    static func raise() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_max) }
        }
        return UInt64(limit.rlim_cur)
    }

    /// What `config` may keep open at once.
    static func needed(_ config: NodeConfig) -> UInt64 {
        UInt64(config.rpcMaxConnections + config.maxInboundPeers + config.maxOutboundPeers + storageAndFiles)
    }
}
