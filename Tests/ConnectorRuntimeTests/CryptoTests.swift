import ConnectorRuntime
import Testing

@Suite struct SHA256Tests {
    @Test func abcMatchesFIPS180Example() {
        #expect(SHA256.hexDigest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func fourHundredFortyEightBitMessageMatchesFIPS180Example() {
        #expect(
            SHA256.hexDigest(of: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func emptyStringDigest() {
        #expect(SHA256.hexDigest(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func oneMillionAsDigest() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexDigest(of: bytes) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func messagesAroundBlockBoundariesDiffer() {
        // 55, 56 and 64 bytes exercise the padding branches.
        let digests = [55, 56, 63, 64, 65].map { SHA256.hexDigest(of: [UInt8](repeating: 0x61, count: $0)) }
        #expect(Set(digests).count == 5)
        #expect(digests[1] == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
    }
}

@Suite struct PKCETests {
    @Test func challengeMatchesRFC7636AppendixB() {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func verifierHasAllowedLengthAndCharacters() {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        for length in [1, 43, 64, 128, 500] {
            let verifier = PKCE.makeVerifier(length: length)
            #expect((43...128).contains(verifier.count))
            #expect(verifier.allSatisfy(allowed.contains))
        }
    }

    @Test func statesAreUnpredictable() {
        let states = Set((0..<200).map { _ in PKCE.makeState() })
        #expect(states.count == 200)
        #expect(states.allSatisfy { $0.count >= 43 })
    }
}
