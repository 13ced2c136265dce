// How a run ends when the API does not cooperate (issue 18): a page that never answers (the
// request timeout, the run's deadline, whether a timeout is retried), cancellation in the middle
// of a request, a static credential the API rejects, a body over the response cap. Generated code
// of Tests/Reference/Specs/acme_resources.json against the paging emulation
// (Tests/Servers/pagingserver.py): real HTTP, no mocks.
import ConnectorRuntime
import Foundation
import Testing

/// Tests of `ResourcePagingTests` (one emulation process for the paging suites, run one at a
/// time). A hanging page holds a connection until the client gives up, so these tests use a
/// transport of their own, never `URLSessionTransport.shared`.
extension ResourcePagingTests {
    static let hangTransport = URLSessionTransport()
    // MARK: Timeouts and deadlines

    /// Page 2 never answers: the run ends after one request timeout, with a timeout error naming
    /// the page; the timeout is not retried (before: 5 tries of 30 s plus backoff, 151.5 s, as a
    /// provider outage).
    @Test func aPageThatNeverAnswersEndsTheRunAfterOneRequestTimeout() async throws {
        let account = try PagingAccount("hang", transport: Self.hangTransport)
        let sleeps = RecordedSleeps()
        await expectResourceError(.timedOut(resource: "users", page: 2, seconds: 3)) {
            _ = try await collect(account.resources.users.list(options: ListOptions(retry: sleeps.policy, requestTimeout: 3)))
        }
        #expect(sleeps.all.isEmpty)
        #expect(try await account.requests() == ["GET /v1/users?page=1&per_page=2", "GET /v1/users?page=2&per_page=2"])
    }

    @Test func aTimeoutIsRetriedOnlyWhenThePolicySaysSo() async throws {
        let account = try PagingAccount("hang", transport: Self.hangTransport)
        let sleeps = RecordedSleeps()
        var policy = sleeps.policy
        policy.maxAttempts = 2
        policy.retryTimeouts = true
        do {
            _ = try await collect(account.resources.users.list(options: ListOptions(retry: policy, requestTimeout: 3)))
            Issue.record("expected retriesExhausted")
        } catch let ResourceError.retriesExhausted(resource, page, attempts, last) {
            #expect(resource == "users" && page == 2 && attempts == 2)
            #expect(last.isRetryable)
        }
        #expect(sleeps.all.count == 1)
        #expect(try await account.requests().count == 3)
    }

    /// The run's deadline cuts the request in flight, whatever the request timeout.
    @Test func theRunDeadlineEndsAHangingRun() async throws {
        let account = try PagingAccount("hang", transport: Self.hangTransport)
        await expectResourceError(.deadlineExceeded(resource: "users", page: 2, seconds: 6)) {
            _ = try await collect(account.resources.users.list(options: ListOptions(deadline: 6)))
        }
        #expect(try await account.requests().count == 2)
    }

    /// A `Retry-After: 3600` wait would end after the deadline: it is not started.
    @Test func aRetryWaitThatWouldPassTheDeadlineIsNotStarted() async throws {
        let account = try PagingAccount("rate-limit-long")
        let sleeps = RecordedSleeps()
        var policy = sleeps.policy
        policy.maxDelay = 7200
        await expectResourceError(.deadlineExceeded(resource: "users", page: 2, seconds: 600)) {
            _ = try await collect(account.resources.users.list(options: ListOptions(retry: policy, deadline: 600)))
        }
        #expect(sleeps.all.isEmpty)
    }

    @Test func getHasARequestTimeout() async throws {
        let account = try PagingAccount("hang", transport: Self.hangTransport)
        await expectResourceError(.timedOut(resource: "employees", page: 1, seconds: 1)) {
            _ = try await account.resources.employees.get(id: "e1", timeout: 1)
        }
    }

    @Test func timeoutAndDeadlineMessagesSayWhatToRaise() {
        #expect(ResourceError.timedOut(resource: "users", page: 2, seconds: 30).description
            == "users: page 2 got no answer within 30 s (the request timeout; raise ListOptions.requestTimeout for a slow API)")
        #expect(ResourceError.deadlineExceeded(resource: "users", page: 4, seconds: 1.5).description
            == "users: the run's deadline of 1.5 s passed at page 4 (ListOptions.deadline)")
    }

    // MARK: Cancellation

    /// Cancelled while page 2 is on its way: `CancellationError`, as docs/resources.md promises
    /// (before: `ConnectorError.providerUnavailable(retryable: false)`, "The request was cancelled").
    @Test func cancellingDuringAPageRequestThrowsCancellationError() async throws {
        let account = try PagingAccount("hang", transport: Self.hangTransport)
        let task = Task { try await collect(account.resources.users.list()) }
        var waited = 0
        while try await account.requests().count < 2, waited < 400 {
            try await Task.sleep(nanoseconds: 25_000_000)
            waited += 1
        }
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("expected CancellationError")
        } catch is CancellationError {
        } catch {
            Issue.record("expected CancellationError, got \(error)")
        }
        #expect(try await account.requests().count == 2)
    }

    // MARK: Credentials

    /// A static API key the API rejects (401, with a Bearer or a Basic challenge) cannot be
    /// refreshed: one request, no retries.
    @Test(arguments: ["ok", "basic-challenge"])
    func aRejectedStaticKeyIsSentOnce(_ scenario: String) async throws {
        let account = try PagingAccount(scenario, apiKey: "wrong-key")
        do {
            _ = try await collect(account.resources.users.list())
            Issue.record("expected invalidCredentials")
        } catch let error as ConnectorError {
            guard case .invalidCredentials = error else {
                Issue.record("expected invalidCredentials, got \(error)")
                return
            }
        }
        #expect(try await account.requests() == ["GET /v1/users?page=1&per_page=2"])
    }

    // MARK: Response cap

    /// A transport with a 64 KiB cap: raising a cap is then shown on a 200 KiB page, so no test
    /// reads megabytes (a debug build parsing 12 MiB holds the test process's threads).
    static let smallCapTransport = URLSessionTransport(maxResponseBytes: 64 * 1024)

    /// A `none`-style list of about 12 MiB against the transport's 10 MiB default cap: the error
    /// names the cap and both ways to raise it (before: "unexpected answer ... check the
    /// connection's settings").
    @Test func aListOverTheDefaultCapNamesTheCapAndHowToRaiseIt() async throws {
        let account = try PagingAccount("huge")
        do {
            _ = try await collect(account.resources.roles.list(siteId: "s1"))
            Issue.record("expected responseTooLarge")
        } catch let error as ResourceError {
            #expect(error == .responseTooLarge(resource: "roles", page: 1, limit: nil))
            #expect(error.description == "roles: page 1 is larger than the transport's response cap (10 MiB unless the transport was created with another maxResponseBytes); raise it for the resource with \"maxResponseBytes\" in the spec's 'list', or for one call with ListOptions.maxResponseBytes")
        }
    }

    /// Raised for one call, a page over the transport's cap arrives.
    @Test func aCallRaisesTheCap() async throws {
        let account = try PagingAccount("large", transport: Self.smallCapTransport)
        await expectResourceError(.responseTooLarge(resource: "roles", page: 1, limit: nil)) {
            _ = try await collect(account.resources.roles.list(siteId: "s1"))
        }
        let raised = try await collect(account.resources.roles.list(siteId: "s1", options: ListOptions(maxResponseBytes: 1 << 20)))
        #expect(raised.map(\.id) == ["d0", "d1", "d2", "d3", "d4"])
    }

    /// `directory` raises the cap in its spec (`maxResponseBytes`: 32 MiB, above the transport's);
    /// a call can set another.
    @Test func theSpecRaisesTheCapPerResourceAndACallOverridesIt() async throws {
        let account = try PagingAccount("large", transport: Self.smallCapTransport)
        #expect(try await collect(account.resources.directory.list()).map(\.id) == ["d0", "d1", "d2", "d3", "d4"])
        await expectResourceError(.responseTooLarge(resource: "directory", page: 1, limit: 65_536)) {
            _ = try await collect(account.resources.directory.list(options: ListOptions(maxResponseBytes: 65_536)))
        }
        #expect(ResourceError.responseTooLarge(resource: "directory", page: 1, limit: 10_485_760).description
            == "directory: page 1 is larger than the 10485760-byte (10 MiB) response cap; raise it for the resource with \"maxResponseBytes\" in the spec's 'list', or for one call with ListOptions.maxResponseBytes")
    }
}
