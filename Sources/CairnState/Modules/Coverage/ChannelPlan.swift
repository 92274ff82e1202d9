/// A region's LoRa channels as evenly spaced centre frequencies (EU868's 867.1–868.5 MHz is
/// base 867 100 000 Hz, spacing 200 000 Hz, 8 channels), so a plan is three parameters and
/// the nearest channel to a frequency is one division.
public struct ChannelPlan: Sendable, Hashable {
    public let baseFrequency: UInt64
    public let spacing: UInt64
    public let count: UInt64

    public init(baseFrequency: UInt64, spacing: UInt64, count: UInt64) {
        self.baseFrequency = baseFrequency
        self.spacing = spacing
        self.count = count
    }

    /// The centre of `channel` (< count), in Hz.
    public func frequency(of channel: UInt64) -> UInt64 { baseFrequency + spacing * channel }

    /// The channel whose centre is nearest to `frequency` (the lower one on a tie) and the
    /// distance to that centre in Hz.
    public func nearest(to frequency: UInt64) -> (channel: UInt64, offset: UInt64) {
        guard frequency > baseFrequency, count > 1, spacing > 0 else {
            return (0, distance(frequency, baseFrequency))
        }
        let above = frequency - baseFrequency
        // Rounding half down: a frequency midway between two centres belongs to the lower.
        let channel = min((above + (spacing - 1) / 2) / spacing, count - 1)
        return (channel, distance(frequency, self.frequency(of: channel)))
    }

    func distance(_ a: UInt64, _ b: UInt64) -> UInt64 { a > b ? a - b : b - a }
}
