import CairnCore
import CairnCrypto

/// Read access to committed account state. Accounts never written read as `Account.empty`.
public protocol AccountReader: Sendable {
    func account(_ address: Address) throws -> Account
}
