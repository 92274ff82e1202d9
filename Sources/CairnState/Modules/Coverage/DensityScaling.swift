import CairnGeo

/// One HIP-17 level: at `resolution`, a cell's hotspot count is clipped to `target`, raised by
/// `target` for every occupied neighbouring cell beyond the first `n − 1`, up to `max`.
public struct DensityLevel: Sendable, Hashable {
    public let resolution: UInt8
    public let n: UInt64
    public let target: UInt64
    public let max: UInt64

    public init(resolution: UInt8, n: UInt64, target: UInt64, max: UInt64) {
        self.resolution = resolution
        self.n = n
        self.target = target
        self.max = max
    }

    /// HIP-17's limit for a cell with `occupied` cells of its neighbourhood (itself included) at
    /// or above target: min(max, target · max(occupied − n + 1, 1)).
    public func limit(occupied: UInt64) -> UInt64 {
        let steps = occupied + 1 > n ? occupied + 1 - n : 1
        let (raised, overflow) = target.multipliedReportingOverflow(by: steps)
        return overflow ? max : Swift.min(max, raised)
    }
}

/// HIP-17 hex density scaling on Cairn's grid (Specs/depin/coverage.md §8): per cell of each
/// level, the unclipped density (hotspots at the finest level, the sum of the children's clipped
/// densities above it) and the clipped one. A hotspot's scale is the product of clipped/unclipped
/// over its cells at every level, so a farm of hotspots in one cell shares what one would earn.
public struct DensityMap: Sendable, Hashable {
    /// Largest count or sum kept: three of them multiply within 128 bits.
    public static let countCap: UInt64 = 1 << 40

    public let levels: [DensityLevel]
    /// Per level (finest first): cell raw → density, for occupied cells only.
    public let unclipped: [[UInt64: UInt64]]
    public let clipped: [[UInt64: UInt64]]

    /// From the cells (raw, resolution ≥ the finest level's; Cairn stores resolution 15) of the
    /// hotspots that count, one entry per hotspot. Levels go finest first, each coarser than
    /// the one before. Cells that are not valid or too coarse are ignored.
    public init(hotspotCells: [UInt64], levels: [DensityLevel]) {
        self.levels = levels
        var unclippedLevels: [[UInt64: UInt64]] = []
        var clippedLevels: [[UInt64: UInt64]] = []
        var below: [UInt64: UInt64]? = nil
        for level in levels {
            var densities: [UInt64: UInt64] = [:]
            if let below {
                for cell in below.keys.sorted() { Self.add(&densities, Self.parent(cell, level.resolution), below[cell]!) }
            } else {
                for cell in hotspotCells { Self.add(&densities, Self.parent(cell, level.resolution), 1) }
            }
            let counts = densities
            var clips: [UInt64: UInt64] = [:]
            for cell in counts.keys.sorted() {
                let occupied = Self.neighbourhood(cell).reduce(UInt64(0)) { $0 + ((counts[$1] ?? 0) >= level.target ? 1 : 0) }
                clips[cell] = min(counts[cell]!, level.limit(occupied: occupied))
            }
            unclippedLevels.append(counts)
            clippedLevels.append(clips)
            below = clips
        }
        unclipped = unclippedLevels
        clipped = clippedLevels
    }

    /// ⌊10^6 · Π clipped / Π unclipped⌋ over the levels' cells holding `cell`, rounded once;
    /// 0 for a cell holding no counted hotspot.
    public func scale(cell: UInt64) -> UInt64 {
        var numerator: UInt128 = 1_000_000, denominator: UInt128 = 1
        for (index, level) in levels.enumerated() {
            guard let parent = Self.parent(cell, level.resolution), let u = unclipped[index][parent], u > 0,
                  let c = clipped[index][parent] else { return 0 }
            numerator *= UInt128(c)
            denominator *= UInt128(u)
        }
        return UInt64(numerator / denominator)
    }

    static func parent(_ raw: UInt64, _ resolution: UInt8) -> UInt64? {
        guard let cell = CellID(raw: raw), cell.resolution >= resolution else { return nil }
        return try? cell.parent(at: resolution).raw
    }

    /// Adds to a cell's density, saturating at `countCap`; a nil cell (not on the grid) counts nowhere.
    static func add(_ densities: inout [UInt64: UInt64], _ cell: UInt64?, _ amount: UInt64) {
        guard let cell else { return }
        densities[cell] = min((densities[cell] ?? 0) + amount, countCap)
    }

    /// The cell and its eight surrounding cells on the grid, as sorted raws. In the rows above and
    /// below, the middle neighbour is the column holding this cell's centre longitude (rows in
    /// another band have other column counts); columns wrap across the antimeridian, and rows
    /// beyond a pole do not exist. H3's k-ring of 7 hexagons becomes a ring of 9 squares.
    static func neighbourhood(_ raw: UInt64) -> [UInt64] {
        guard let cell = CellID(raw: raw), cell.resolution > 0 else { return [raw] }
        let r = UInt64(cell.resolution), p = CellID.subdivisions[Int(cell.resolution)]
        let rows = CellID.bandCount * p
        let y = cell.row, x = cell.column, width = columns(row: y, subdivision: p)
        var cells = Set<UInt64>()
        for dy in [-1, 0, 1] {
            if (dy < 0 && y == 0) || (dy > 0 && y + 1 >= rows) { continue }
            let row = dy < 0 ? y - 1 : dy > 0 ? y + 1 : y
            let other = columns(row: row, subdivision: p)
            let middle = row == y ? x : (2 * x + 1) * other / (2 * width)
            for dx: UInt64 in [other - 1, 0, 1] {
                cells.insert(r << 60 | row << 30 | (middle + dx) % other)
            }
        }
        return cells.sorted()
    }

    static func columns(row: UInt64, subdivision p: UInt64) -> UInt64 {
        let band = row / p, half = CellID.bandCount / 2
        return CellID.bandColumns[Int(band >= half ? band - half : half - 1 - band)] * p
    }
}
