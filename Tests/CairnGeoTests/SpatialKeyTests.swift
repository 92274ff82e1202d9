import CairnGeo
import CairnTestSupport
import Testing

/// The spatial key (Specs/depin/geometry.md §3.5a): a cell's descendants are exactly its range.
@Suite struct SpatialKeyTests {
    @Test func everyFinestCellKeyLiesInTheRangeOfEachOfItsParents() throws {
        var rng = SeededGenerator(seed: 21)
        for _ in 0..<20_000 {
            let point = CellIDTests.randomPoint(&rng)
            let finest = try CellID(containing: point, resolution: CellID.maxResolution)
            #expect(finest.spatialRange.count == 1)
            for r in 0...CellID.maxResolution {
                let cell = try CellID(containing: point, resolution: r)
                #expect(cell.spatialRange.contains(finest.spatialKey), "\(point) at \(r)")
            }
        }
    }

    /// Children's ranges tile their parent's: in order, without gaps or overlaps.
    @Test func childrenTileTheirParentsRange() throws {
        var rng = SeededGenerator(seed: 22)
        for _ in 0..<2_000 {
            let point = CellIDTests.randomPoint(&rng)
            let r = UInt8(1 + rng.next() % UInt64(CellID.maxResolution - 1))
            let parent = try CellID(containing: point, resolution: r)
            let k = CellID.splits[Int(r) + 1]
            var next = parent.spatialRange.lowerBound
            for dy in 0..<k {
                for dx in 0..<k {
                    let child = try #require(CellID(raw: UInt64(r + 1) << 60 | (parent.row * k + dy) << 30 | (parent.column * k + dx)))
                    #expect(try child.parent(at: r) == parent)
                    #expect(child.spatialRange.lowerBound == next, "child (\(dy), \(dx)) of \(parent)")
                    next = child.spatialRange.upperBound + 1
                }
            }
            #expect(next == parent.spatialRange.upperBound + 1)
        }
    }

    @Test func theWorldCoversEveryKey() throws {
        #expect(CellID.world.spatialRange == 0...1_818_557_974_093_823)
        let southWest = try CellID(containing: GeoPoint(latitude: -90_000_000, longitude: -180_000_000), resolution: 15)
        let northEast = try CellID(containing: GeoPoint(latitude: 90_000_000, longitude: 179_999_999), resolution: 15)
        #expect(southWest.spatialKey == 0 && northEast.spatialKey == 1_818_557_974_093_823)
    }
}
