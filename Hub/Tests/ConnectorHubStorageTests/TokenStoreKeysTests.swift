import ConnectorHubStorage
import Foundation
import Testing

@Suite struct TokenStoreKeysTests {
    @Test func keysComeFromTheEnvironmentWithTheFirstCurrent() throws {
        let keys = try TokenStoreKeys.fromEnvironment([TokenStoreKeys.environmentVariable: StoreFixtures.keysEnvironment])
        #expect(keys.currentKeyID == "k1")
        #expect(keys.keyIDs == ["k1", "k2"])
        #expect(!keys.isDevelopment)
        #expect(!String(describing: keys).contains(StoreFixtures.keyBytes["k1"]!.base64EncodedString()))
    }

    @Test func aMissingKeyIsAnErrorSayingWhatToSet() {
        #expect(
            throws: TokenStorageError.missingKey(
                "CONNECTOR_HUB_TOKEN_KEYS is not set. Set it to `id:base64key` (32 random bytes, e.g. `openssl rand -base64 32`), or open the store in development mode."
            )
        ) { try TokenStoreKeys.fromEnvironment([:]) }
    }

    @Test(arguments: [
        ("k1", TokenStorageError.invalidKey("CONNECTOR_HUB_TOKEN_KEYS entries must be `id:base64key`; one has no ':'.")),
        ("k1:***", .invalidKey("The key of id 'k1' in CONNECTOR_HUB_TOKEN_KEYS is not valid base64.")),
        ("k1:AAAA", .invalidKey("Key 'k1' has 3 bytes; AES-256 needs 32 (e.g. `openssl rand -base64 32`).")),
        ("bad id:" + Data(count: 32).base64EncodedString(), .invalidKey("Key id 'bad id' must be 1 to 64 letters, digits, '.', '_' or '-'.")),
        ("development:" + Data(count: 32).base64EncodedString(), .invalidKey("Key id 'development' is reserved for the development key.")),
        ("a:" + Data(count: 32).base64EncodedString() + ",a:" + Data(count: 32).base64EncodedString(),
         .invalidKey("Key id 'a' appears twice in CONNECTOR_HUB_TOKEN_KEYS.")),
    ])
    func malformedKeysAreRejectedWithoutEchoingThem(value: String, expected: TokenStorageError) {
        #expect(throws: expected) { try TokenStoreKeys.fromEnvironment([TokenStoreKeys.environmentVariable: value]) }
    }

    @Test func theDevelopmentKeyIsMarked() {
        #expect(TokenStoreKeys.development.isDevelopment)
        #expect(TokenStoreKeys.development.currentKeyID == "development")
    }
}
