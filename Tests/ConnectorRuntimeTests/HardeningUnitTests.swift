import ConnectorRuntime
import Foundation
import Testing

/// The pure parts of the runtime hardening: HTTP dates, redaction, lifetime-scaled margins.
struct HardeningUnitTests {
    /// RFC 9110 §5.6.7's own example, in its three forms.
    @Test(arguments: ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"])
    func httpDateFormsOfRFC9110(text: String) throws {
        // 1994-11-06T08:49:37Z.
        checkEqual(try unwrap(HTTPDate.parse(text)).timeIntervalSince1970, 784_111_777)
    }

    @Test(arguments: ["", "Sun, 06 Nov 1994 08:49:37", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "tomorrow", "Sun Nov 6 8:49:37 1994"])
    func malformedHTTPDatesAreNil(text: String) {
        checkEqual(HTTPDate.parse(text), nil)
    }

    @Test func rfc850TwoDigitYearsMoreThan50YearsAheadAreInThePast() throws {
        let now = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        checkEqual(calendar.component(.year, from: try unwrap(HTTPDate.parse("Monday, 01-Jan-30 00:00:00 GMT", now: now))), 2030)
        checkEqual(calendar.component(.year, from: try unwrap(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", now: now))), 1994)
    }

    @Test func retryAfterIsSecondsOrAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 784_111_777 - 30)
        checkEqual(OAuthErrorMapping.retryAfter("12", now: now), 12)
        checkEqual(OAuthErrorMapping.retryAfter("Sun Nov  6 08:49:37 1994", now: now), 30)
        checkEqual(OAuthErrorMapping.retryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now: now), 30)
        checkEqual(OAuthErrorMapping.retryAfter("soon", now: now), nil)
    }

    @Test func redactorRemovesEverySecretAsSentAndEncoded() {
        let redact = Redactor([Secret("a b&c"), Secret("rt-1"), nil, Secret("")])
        checkEqual(redact("got a b&c, a+b%26c and a%20b%26c; rt-1 revoked"), "got [redacted], [redacted] and [redacted]; [redacted] revoked")
        checkEqual(Redactor([Secret("rt-1")]).adding([Secret("rt-1-long")])("rt-1-long"), "[redacted]")
        checkEqual(Redactor([Secret("dact")])("redacted dact"), "re[redacted]ed [redacted]", "placeholders are not searched again")
        checkEqual(Redactor([Secret("abc")])("abc"), "abc", "values shorter than the minimum are left alone")
    }

    @Test func theRefreshMarginIsAtMostHalfTheLifetime() {
        let issued = Date(timeIntervalSince1970: 1_000_000)
        let short = TokenSet(accessToken: Secret("a"), expiresAt: issued.addingTimeInterval(2), issuedAt: issued)
        checkEqual(short.refreshMargin(60), 1)
        check(!short.isExpired(at: issued.addingTimeInterval(0.5), margin: short.refreshMargin(60)))
        let long = TokenSet(accessToken: Secret("a"), expiresAt: issued.addingTimeInterval(3600), issuedAt: issued)
        checkEqual(long.refreshMargin(60), 60)
        checkEqual(TokenSet(accessToken: Secret("a"), expiresAt: issued).refreshMargin(60), 60, "unknown lifetime: the margin as given")
    }
}
