import CairnCrypto

/// Why the validator refused to sign, or refused to start. The messages name the positions, so an
/// operator can tell a restarted-from-old-state validator from a bug.
public enum SignError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request is below the last signed position.
    case regression(requested: SignPosition, lastSigned: SignPosition)
    /// Same position, different message: signing it would be equivocation.
    case conflict(position: SignPosition, signed: Hash32, requested: Hash32)
    /// The sign-state file exists but cannot be trusted.
    case corruptState(path: String, reason: String)
    /// The sign-state file was written for another validator key.
    case wrongValidator(path: String, file: Address, key: Address)
    /// Reading or durably writing the sign state failed; nothing was signed.
    case storage(FileSystemError)

    public var description: String {
        switch self {
        case .regression(let requested, let last):
            "refusing to sign \(requested): this validator already signed \(last), and signing at a lower height, round or step could equivocate"
        case .conflict(let position, let signed, let requested):
            "refusing to sign a different \(position): already signed message \(signed) there, asked to sign \(requested) (double signing)"
        case .corruptState(let path, let reason):
            "sign state file \(path) is unusable: \(reason). Refusing to start: restore the file from this validator's own last state; never delete or reset it while the validator may have signed at the current height, that is how validators double-sign"
        case .wrongValidator(let path, let file, let key):
            "sign state file \(path) belongs to validator \(file), but the validator key is \(key); refusing to start"
        case .storage(let error):
            "cannot persist the sign state, nothing was signed: \(error)"
        }
    }
}
