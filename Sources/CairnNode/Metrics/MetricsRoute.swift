import Hummingbird
import NIOCore

extension NodeMetrics {
    /// The content type Prometheus expects for the text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Adds `GET /metrics` to `router` (on the JSON-RPC listener, so it is as private as the RPC).
    public static func addRoute(to router: Router<BasicRequestContext>, metrics: NodeMetrics) {
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: contentType],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
    }
}
