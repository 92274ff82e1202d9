/// Why a coordinate or a resolution is refused. `reason` is stable: it goes into rejection records
/// and vectors, so operators can match on it.
public enum GeoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// |latitude| exceeds 90° by `excess` micro-degrees.
    case latitudeOutOfRange(latitude: Int32, excess: UInt32)
    /// |longitude| exceeds 180° by `excess` micro-degrees.
    case longitudeOutOfRange(longitude: Int32, excess: UInt32)
    /// A grid resolution above `maximum` (the finest resolution, or the cell's own for a parent).
    case resolutionOutOfRange(resolution: UInt8, maximum: UInt8)

    public var reason: String {
        switch self {
        case .latitudeOutOfRange: "latitude_out_of_range"
        case .longitudeOutOfRange: "longitude_out_of_range"
        case .resolutionOutOfRange: "resolution_out_of_range"
        }
    }

    public var description: String {
        switch self {
        case .latitudeOutOfRange(let value, let excess):
            "latitude \(value) µ° is \(excess) µ° beyond ±90°"
        case .longitudeOutOfRange(let value, let excess):
            "longitude \(value) µ° is \(excess) µ° beyond ±180°"
        case .resolutionOutOfRange(let resolution, let maximum):
            "resolution \(resolution) is above \(maximum)"
        }
    }
}

/// A position as latitude and longitude in micro-degrees (10⁻⁶°, ≈ 0.11 m): the precision devices
/// report, and small enough that every product in this library fits 64 or 128 bits. Longitude 180° is stored as −180° (the same meridian), so a place has one representation
/// except at the poles, where every longitude names the same point.
public struct GeoPoint: Hashable, Sendable, CustomStringConvertible {
    public static let latitudeLimit: Int32 = 90_000_000
    public static let longitudeLimit: Int32 = 180_000_000

    /// −90 000 000 … 90 000 000, south negative.
    public let latitude: Int32
    /// −180 000 000 … 179 999 999, west negative.
    public let longitude: Int32

    /// Latitude is checked first, so a point wrong in both reports its latitude.
    public init(latitude: Int32, longitude: Int32) throws(GeoError) {
        if latitude.magnitude > Self.latitudeLimit.magnitude {
            throw .latitudeOutOfRange(latitude: latitude, excess: latitude.magnitude - Self.latitudeLimit.magnitude)
        }
        if longitude.magnitude > Self.longitudeLimit.magnitude {
            throw .longitudeOutOfRange(longitude: longitude, excess: longitude.magnitude - Self.longitudeLimit.magnitude)
        }
        self.latitude = latitude
        self.longitude = longitude == Self.longitudeLimit ? -Self.longitudeLimit : longitude
    }

    public var description: String { "(\(latitude), \(longitude)) µ°" }
}

extension GeoPoint {
    /// Why (latitude, longitude) is no point, or nil: for callers that report rather than throw.
    public static func problem(latitude: Int32, longitude: Int32) -> GeoError? {
        do { _ = try GeoPoint(latitude: latitude, longitude: longitude); return nil } catch { return error }
    }
}
