import ConnectorHubTransport
import ConnectorRuntime
import Foundation
import Testing

/// The private-network rule (NetworkAddressPolicy) and AsyncHTTPClientTransport refusing to send
/// to such addresses after resolving the host.
@Suite struct PrivateAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("10.1.2.3", "private"),
        ("172.16.0.1", "private"), ("172.31.255.255", "private"),
        ("192.168.1.1", "private"), ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"), ("100.64.0.1", "shared, carrier-grade NAT"),
        ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("255.255.255.255", "reserved"),
        ("::1", "loopback"), ("::", "unspecified"), ("fd00:ec2::254", "cloud metadata"),
        ("fd12:3456::1", "private"), ("fc00::1", "private"), ("fe80::1", "link-local"),
        ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "cloud metadata"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata"), ("[::1]", "loopback"), ("fe80::1%eth0", "link-local"),
    ])
    func privateLoopbackLinkLocalAndMetadataAddressesAreRefused(address: String, reason: String) {
        #expect(NetworkAddressPolicy.refusal(of: address) == reason)
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "169.255.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])
    func publicAddressesPass(address: String) {
        #expect(NetworkAddressPolicy.refusal(of: address) == nil)
    }

    @Test func aNameIsCheckedByTheAddressesItResolvesTo() async throws {
        let checked = try await NetworkAddressPolicy.checkedAddress(of: "localhost")
        guard case .failure(let refused) = checked else {
            Issue.record("localhost resolves to loopback and is refused")
            return
        }
        #expect(refused.reason == "loopback")
    }

    @Test(arguments: ["127.0.0.1", "localhost"])
    func theTransportRefusesAPrivateTargetBeforeConnecting(host: String) async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200, body: Data("reached".utf8)) }
        defer { server.stop() }
        let guarded = AsyncHTTPClientTransport(refusePrivateAddresses: true)
        do {
            _ = try await guarded.send(HTTPRequest(url: server.url("/token", host: host)))
            Issue.record("a request to \(host) was sent")
        } catch let error as TransportError {
            #expect(error.kind == .network)
            #expect(error.detail.contains("points at a private network address (loopback)"), "\(error.detail)")
            #expect(!error.detail.contains(String(server.port)), "the error does not quote the URL")
        }
        try await guarded.shutdown()
        // The same request without the rule reaches the server: the refusal above was the rule.
        let open = AsyncHTTPClientTransport()
        let response = try await open.send(HTTPRequest(url: server.url("/token", host: host)))
        #expect(response.status == 200)
        try await open.shutdown()
    }

    @Test func theTransportConnectsToTheAddressItCheckedNotToASecondLookup() async throws {
        let server = try LocalHTTPServer { request in .init(status: 200, body: Data("reached \(request.headers["host"] ?? "")".utf8)) }
        defer { server.stop() }
        // A name the system cannot resolve: only the address the rules checked can reach the
        // server. The rules treat loopback as public here, so the server is reachable at all.
        let rules = NetworkAddressPolicy.Rules(
            resolve: { host in
                guard host == "pinned.invalid" else { throw NetworkAddressPolicy.ResolutionError() }
                return ["127.0.0.1"]
            },
            refusal: { $0 == "127.0.0.1" ? nil : "private" })
        let transport = AsyncHTTPClientTransport(refusePrivateAddresses: true, addressRules: rules)
        let response = try await transport.send(HTTPRequest(url: server.url("/users", host: "pinned.invalid")))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "reached pinned.invalid:\(server.port)", "the Host header keeps the name")
        try await transport.shutdown()

        // The same name answering a refused address as well is refused, whatever comes first.
        let mixed = NetworkAddressPolicy.Rules(resolve: { _ in ["127.0.0.1", "10.0.0.1"] }, refusal: { $0 == "127.0.0.1" ? nil : "private" })
        let refusing = AsyncHTTPClientTransport(refusePrivateAddresses: true, addressRules: mixed)
        await #expect(throws: TransportError.self) { _ = try await refusing.send(HTTPRequest(url: server.url("/users", host: "pinned.invalid"))) }
        try await refusing.shutdown()
    }
}
