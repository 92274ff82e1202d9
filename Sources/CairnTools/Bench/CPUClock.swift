#if canImport(Glibc)
import Glibc
#endif

/// CPU time for the benchmarks. On a shared machine wall time measures the neighbours too; CPU
/// seconds per receipt or per recovery say what the work itself costs.
enum CPUClock {
    /// This process's CPU time (user + system, every thread).
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    /// The calling thread's CPU time: what synchronous work on it cost, whatever else runs.
    static func threadSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Runs `body`, returning its result and the CPU seconds it took.
    static func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = seconds()
        let result = try await body()
        return (result, seconds() - start)
    }
}
