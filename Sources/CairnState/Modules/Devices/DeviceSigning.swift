import CairnCore
import CairnCrypto

/// How a maker's factory line, an owner's wallet and the CLI build the signed parts of the
/// devices operations.
extension OnboardingClaim {
    /// The maker's vouching signature (`cairn maker sign-device`).
    public func makerSignature(_ makerKey: PrivateKey) -> RecoverableSignature { makerKey.sign(digest: makerDigest) }
}

extension DeviceOnboarding {
    /// The onboarding operation of the device holding `deviceKey`, with the maker's signature
    /// over the same claim.
    public init(_ claim: OnboardingClaim, makerSignature: RecoverableSignature, deviceKey: PrivateKey) {
        self.init(publicKey: claim.publicKey, kind: claim.kind, makerSignature: makerSignature,
                  deviceSignature: deviceKey.sign(digest: claim.deviceDigest))
    }
}

extension LocationAssertion {
    /// The assertion of `place` as the device's `nonce`-th, signed by the device for `owner`.
    public init(chainID: String, deviceKey: PrivateKey, owner: Address, place: AssertedPlace, nonce: UInt64) {
        let device = deviceKey.publicKey.address
        let claim = LocationClaim(chainID: chainID, device: device, owner: owner, place: place, nonce: nonce)
        self.init(device: device, place: place, nonce: nonce, deviceSignature: deviceKey.sign(digest: claim.digest))
    }
}
