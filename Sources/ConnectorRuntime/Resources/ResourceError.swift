/// Why listing or reading a resource failed. Pages are numbered from 1. Messages never contain
/// cursors, next URLs' queries or credentials.
public enum ResourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A record does not match its schema (``ListOptions/InvalidRecords/stop``).
    case invalidRecord(resource: String, page: Int, index: Int, field: String, reason: String)
    /// A page is not JSON, or has no records array at the spec's pointer, or lacks a value the
    /// stop rule needs.
    case invalidPage(resource: String, page: Int, detail: String)
    /// A cursor or next URL came back that was already followed in this run: the provider loops.
    case paginationLoop(resource: String, page: Int, firstSeenAtPage: Int)
    /// The run reached its page limit without an end.
    case pageLimitReached(resource: String, pages: Int)
    /// A next link points to a host other than the connection's API host; it is not followed,
    /// since following it would send the credentials there.
    case foreignNextURL(resource: String, page: Int, host: String)
    /// The stop rule says more pages follow but the page gives no way to request them (an empty
    /// offset page before the total, `hasMore` without a cursor).
    case stalled(resource: String, page: Int, detail: String)
    /// The provider answered with an unexpected status (not 2xx, 401, 403, 429 or 5xx).
    case unexpectedStatus(resource: String, page: Int, status: Int)
    /// `get` found no record with that id (404).
    case notFound(resource: String)
    /// A page still failed (429 or 5xx) after every retry.
    case retriesExhausted(resource: String, page: Int, attempts: Int, last: ConnectorError)
    /// A page (or a `get`) got no answer within its request timeout (``ListOptions/requestTimeout``).
    case timedOut(resource: String, page: Int, seconds: Double)
    /// The run's deadline (``ListOptions/deadline``) passed before the list ended.
    case deadlineExceeded(resource: String, page: Int, seconds: Double)
    /// A page's body is larger than the cap in effect: `limit` bytes when the spec
    /// (`maxResponseBytes`) or the call (``ListOptions/maxResponseBytes``) set it, `nil` for the
    /// transport's own cap (10 MiB by default).
    case responseTooLarge(resource: String, page: Int, limit: Int?)

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value)) s" : "\(value) s"
    }

    /// `10485760 bytes (10 MiB)`.
    private static func bytes(_ count: Int) -> String {
        let mebibytes = Double(count) / 1_048_576
        guard mebibytes >= 1 else { return "\(count)-byte" }
        let tenths = (mebibytes * 10).rounded()
        let shown = tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
        return "\(count)-byte (\(shown) MiB)"
    }

    public var description: String {
        switch self {
        case let .invalidRecord(resource, page, index, field, reason):
            "\(resource): record \(index) of page \(page) does not match its schema: field '\(field)' \(reason)"
        case let .invalidPage(resource, page, detail):
            "\(resource): page \(page) is invalid: \(detail)"
        case let .paginationLoop(resource, page, first):
            "\(resource): page \(page) points back to a page already read (first seen at page \(first)); the provider's pagination loops, so the list stopped"
        case let .pageLimitReached(resource, pages):
            "\(resource): stopped after \(pages) pages without reaching the end (raise ListOptions.maxPages if the list is really that long)"
        case let .foreignNextURL(resource, page, host):
            "\(resource): page \(page) links the next page on another host (\(host)); not followed, so credentials stay with the API host"
        case let .stalled(resource, page, detail):
            "\(resource): page \(page): \(detail)"
        case let .unexpectedStatus(resource, page, status):
            "\(resource): page \(page) was answered \(status)"
        case let .notFound(resource):
            "\(resource): no record with that id (404)"
        case let .retriesExhausted(resource, page, attempts, last):
            "\(resource): page \(page) still failed after \(attempts) attempts: \(last)"
        case let .timedOut(resource, page, seconds):
            "\(resource): page \(page) got no answer within \(Self.seconds(seconds)) (the request timeout; raise ListOptions.requestTimeout for a slow API)"
        case let .deadlineExceeded(resource, page, seconds):
            "\(resource): the run's deadline of \(Self.seconds(seconds)) passed at page \(page) (ListOptions.deadline)"
        case let .responseTooLarge(resource, page, limit):
            "\(resource): page \(page) is larger than the "
                + (limit.map { "\(Self.bytes($0)) response cap" } ?? "transport's response cap (10 MiB unless the transport was created with another maxResponseBytes)")
                + "; raise it for the resource with \"maxResponseBytes\" in the spec's 'list', or for one call with ListOptions.maxResponseBytes"
        }
    }
}
