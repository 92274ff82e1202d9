#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A node's Prometheus counters (`GET /metrics` on its RPC port), read at the start and end of
/// the measured window so the benchmark can say where a height's time went.
struct NodeMetricsSnapshot: Sendable {
    /// `name{labels}` → value, for the `_sum` and `_count` series of histograms and plain counters.
    var values: [String: Double]

    /// Parses the text exposition format: `name{labels} value` per line, `#` comments skipped.
    static func parse(_ text: String) -> NodeMetricsSnapshot {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return NodeMetricsSnapshot(values: values)
    }

    /// The mean of a histogram over the interval from `earlier` to this snapshot, nil when nothing
    /// was recorded in between.
    func mean(_ series: String, since earlier: NodeMetricsSnapshot) -> (mean: Double, count: Int)? {
        let (sum, count) = Self.sumAndCount(series)
        let dc = (values[count] ?? 0) - (earlier.values[count] ?? 0)
        guard dc > 0 else { return nil }
        return (((values[sum] ?? 0) - (earlier.values[sum] ?? 0)) / dc, Int(dc))
    }

    /// `name{labels}` → (`name_sum{labels}`, `name_count{labels}`).
    static func sumAndCount(_ series: String) -> (String, String) {
        guard let brace = series.firstIndex(of: "{") else { return (series + "_sum", series + "_count") }
        let name = series[..<brace], labels = series[brace...]
        return (name + "_sum" + labels, name + "_count" + labels)
    }

    /// A plain HTTP/1.0 GET on loopback (the RPC client speaks only JSON-RPC POSTs).
    static func fetch(port: Int, timeoutSeconds: Int = 5) -> NodeMetricsSnapshot? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return nil }
        let request = Array("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/1."), text.contains(" 200 "), let body = text.range(of: "\r\n\r\n") else { return nil }
        return parse(String(text[body.upperBound...]))
    }
}
