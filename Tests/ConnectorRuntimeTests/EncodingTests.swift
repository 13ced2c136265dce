import ConnectorRuntime
import Foundation
import Testing

@Suite struct FormEncodingTests {
    @Test func encodesSpacePlusAndNonASCIILikeHTMLForms() {
        #expect(FormEncoding.encode(" %&+£€") == "+%25%26%2B%C2%A3%E2%82%AC")
    }

    @Test func bodyJoinsPairsInOrder() {
        #expect(FormEncoding.body([("grant_type", "client_credentials"), ("scope", "read write+admin")])
            == "grant_type=client_credentials&scope=read+write%2Badmin")
    }

    @Test func decodeReversesEncode() {
        let pairs = FormEncoding.decode(FormEncoding.body([("a b", " %&+£€"), ("empty", "")]))
        #expect(pairs.map(\.0) == ["a b", "empty"])
        #expect(pairs.map(\.1) == [" %&+£€", ""])
    }

    @Test func templateURLEncodeKeepsOnlyUnreserved() {
        #expect(TemplateFilters.urlencode("a b+c/d?e=f~g.h_i-j") == "a%20b%2Bc%2Fd%3Fe%3Df~g.h_i-j")
        #expect(TemplateFilters.urlencode("é") == "%C3%A9")
    }

    @Test func templateBase64IsStandardWithPadding() {
        #expect(TemplateFilters.base64("user:pass") == "dXNlcjpwYXNz")
        #expect(TemplateFilters.base64("a") == "YQ==")
        #expect(TemplateFilters.base64(Secret("a")).reveal() == "YQ==")
    }
}

@Suite struct ClientAuthenticationTests {
    @Test func basicFormEncodesBeforeBase64GolangVector() {
        #expect(TokenClient.basicAuthorization(clientID: "CLIENT_ID??", secret: Secret("CLIENT_SECRET??"))
            == "Basic Q0xJRU5UX0lEJTNGJTNGOkNMSUVOVF9TRUNSRVQlM0YlM0Y=")
    }

    @Test func basicFormEncodesBeforeBase64AppAuthVector() throws {
        let header = TokenClient.basicAuthorization(clientID: "1PpG/Q 1", secret: Secret("z/tZ9VwFZqApmIQ+ZH1I5pLk/uB4ud:X2/8bL+wfFTt1rFw="))
        let encoded = String(header.dropFirst("Basic ".count))
        #expect(encoded.hasPrefix("MVBwRyUyRlErMTp6"))
        let decoded = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        #expect(decoded == "1PpG%2FQ+1:z%2FtZ9VwFZqApmIQ%2BZH1I5pLk%2FuB4ud%3AX2%2F8bL%2BwfFTt1rFw%3D")
    }

    private func request(_ auth: ClientAuthentication, hashInput: String? = "the-code") throws -> HTTPRequest {
        let client = TokenClient(endpoint: Fixtures.endpoint(auth: auth), transport: MockTransport { _ in text(500, "") })
        return try client.tokenRequest(url: Fixtures.tokenURL, form: [("grant_type", "authorization_code")], hashInput: hashInput)
    }

    @Test func basicSendsHeaderAndNoSecretInBody() throws {
        let request = try request(.clientSecretBasic)
        #expect(request.headers["authorization"]?.hasPrefix("Basic ") == true)
        #expect(formFields(request)["client_secret"] == nil)
        #expect(formFields(request)["client_id"] == nil)
    }

    @Test func postSendsIdAndSecretInBodyOnly() throws {
        let request = try request(.clientSecretPost)
        #expect(request.headers["Authorization"] == nil)
        #expect(formFields(request)["client_id"] == "client-1")
        #expect(formFields(request)["client_secret"] == "s3cret-value")
    }

    @Test func smartsheetSendsHashOfSecretAndCodeWithoutSecret() throws {
        let request = try request(.smartsheetHash)
        let fields: [String: String] = formFields(request)
        let expected: String = SHA256.hexDigest(of: "s3cret-value|the-code")
        #expect(fields["client_secret"] == nil)
        #expect(request.headers["Authorization"] == nil)
        #expect(fields["hash"] == expected)
    }

    @Test func noneSendsOnlyClientID() throws {
        let request = try request(.none)
        #expect(formFields(request)["client_id"] == "client-1")
        #expect(formFields(request)["client_secret"] == nil)
        #expect(request.headers["Authorization"] == nil)
    }

    @Test func tokenRequestsOverPlainHTTPAreRefused() {
        let client = TokenClient(endpoint: Fixtures.endpoint(), transport: MockTransport { _ in text(500, "") })
        #expect(throws: ConnectorError.self) {
            try client.tokenRequest(url: URL(string: "http://auth.example.com/token")!, form: [], hashInput: nil)
        }
        #expect(throws: Never.self) {
            try client.tokenRequest(url: URL(string: "http://127.0.0.1:5001/token")!, form: [], hashInput: nil)
        }
    }
}
