import CairnCore
import CairnCrypto
import CairnMempool
import CairnRPC
@testable import CairnNode
import Foundation
import Logging

/// An in-process node on a temporary directory: chain, mempool, producer and the RPC methods,
/// driven by hand (no timers, no sockets).
struct TestNode {
    static let alice = try! PrivateKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
    static let bob = try! PrivateKey(hex: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a")
    static let validator = try! PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
    static let minFee: Amount = 1_000
    static let chainID = "cairn-test"

    let directory: String
    let chain: NodeChain
    let mempool: Mempool
    let producer: BlockProducer
    let dispatcher: JSONRPCDispatcher
    let registry: RPCRegistry

    static var genesis: Genesis {
        Genesis(chainID: chainID, genesisTime: 1_000, protocolVersion: 1,
                parameters: ChainParameters(maxBlockTransactions: 100, maxBlockBytes: 1 << 20, minTransactionFee: minFee),
                allocations: [.init(address: alice.address, balance: 1_000_000), .init(address: bob.address, balance: 500)],
                validators: ValidatorSet([Validator(address: validator.address, power: 10)]))
    }

    init(directory: String? = nil, clockStart: UInt64 = 10_000) throws {
        let dir = directory ?? NSTemporaryDirectory() + "cairn-node-test-\(UInt64.random(in: 0...UInt64.max))"
        self.directory = dir
        chain = try NodeChain(directory: dir + "/chain", genesis: Self.genesis)
        let database = chain.database
        mempool = Mempool(pool: TransactionPool(rules: chain.rules), state: database,
                          isCommitted: { id in try database.committedHeight(of: id) })
        let ticks = Counter(clockStart)
        producer = try BlockProducer(chain: chain, mempool: mempool, validatorKey: Self.validator,
                                     settings: .init(interval: .milliseconds(10), createEmptyBlocks: true),
                                     logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                     clock: { ticks.next() })
        var registry = RPCRegistry()
        let mempool = self.mempool
        try ChainRPC(chain: chain, mempool: mempool, validator: Self.validator.address,
                     submit: { bytes throws(MempoolError) in try await mempool.submit(encoded: bytes) },
                     syncing: { false }).register(in: &registry)
        self.registry = registry
        dispatcher = JSONRPCDispatcher(registry: registry)
    }

    func close() {
        chain.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func transfer(_ from: PrivateKey, to: Address, amount: Amount, nonce: UInt64, fee: Amount = minFee,
                         chainID: String = chainID) -> Transaction {
        UnsignedTransaction(chainID: chainID, nonce: nonce, fee: fee, operation: .transfer(to: to, amount: amount)).signed(with: from)
    }

    /// Calls a method through the real dispatcher; returns the whole response object.
    func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        let request: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": params]
        let out = await dispatcher.handle(body: JSONText.bytes(request))
        return try JSONText.parse(out ?? [])
    }

    func result(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        let response = try await call(method, params)
        guard let result = response["result"] else { throw TestError("no result: \(response)") }
        return result
    }
}

/// Deterministic milliseconds for header times.
final class Counter: Sendable {
    private let value: Mutex<UInt64>
    init(_ start: UInt64) { value = Mutex(start) }
    func next() -> UInt64 { value.withLock { $0 += 7; return $0 } }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

import Synchronization
