/// A numbering of the finest cells in which every cell's descendants are one contiguous range
/// (Specs/depin/geometry.md §3.5): `raw` orders cells row by row, so a parent's children are
/// scattered; an index keyed by spatial key answers "everything in this cell" with one scan.
///
/// The key of a finest cell is its resolution-1 cell's position (bands from the south, columns
/// from −180°), then one mixed-radix digit per finer resolution: `rowDigit · k + columnDigit`
/// among the k × k children. A coarser cell's range starts at the key its south-west finest
/// descendant has and spans the product of k² over the resolutions below it.
extension CellID {
    /// Resolution-1 cells south of each band (61 entries: the last is the total).
    static let cellsBeforeBand: [UInt64] = {
        var sums: [UInt64] = [0]
        for band in 0..<bandCount { sums.append(sums.last! + columns(row: band, subdivision: 1)) }
        return sums
    }()

    /// Finest cells in one cell of each resolution: Π k² over the finer resolutions.
    static let finestPerCell: [UInt64] = (0...Int(maxResolution)).map { r in
        let side = subdivisions[Int(maxResolution)] / (r == 0 ? 1 : subdivisions[r])
        return side * side
    }

    /// The keys of this cell's finest descendants (itself, at the finest resolution). The world
    /// covers every key: < 4 600 resolution-1 cells × 629 856² < 2^51.
    public var spatialRange: ClosedRange<UInt64> {
        guard resolution > 0 else { return 0...(Self.cellsBeforeBand.last! * Self.finestPerCell[1] - 1) }
        let p = Self.subdivisions[Int(resolution)]
        let band = row / p
        var key = Self.cellsBeforeBand[Int(band)] + column / p
        let rowOffset = row % p, columnOffset = column % p
        if resolution >= 2 {
            for level in 2...Int(resolution) {
                let k = Self.splits[level]
                // The digits of finer levels sit in the low places of the offsets.
                let below = p / Self.subdivisions[level]
                key = key * k * k + (rowOffset / below % k) * k + columnOffset / below % k
            }
        }
        let span = Self.finestPerCell[Int(resolution)]
        return (key * span)...(key * span + span - 1)
    }

    /// The key of a finest cell; for a coarser one, the first key of its range.
    public var spatialKey: UInt64 { spatialRange.lowerBound }
}
