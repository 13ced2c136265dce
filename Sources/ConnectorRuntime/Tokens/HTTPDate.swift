public import Foundation

/// The three HTTP-date forms of RFC 9110 §5.6.7, as `Retry-After` may carry them:
///
/// - IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT` (the one senders must use),
/// - obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` (a two-digit year more than 50 years in the
///   future is read as the most recent past year with those digits),
/// - obsolete asctime `Sun Nov  6 08:49:37 1994`.
///
/// ```swift
/// HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")  // 1994-11-06 08:49:37 UTC
/// ```
public enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The date of `text`, or `nil` when it is none of the three forms. `now` resolves RFC 850's
    /// two-digit years.
    public static func parse(_ text: String, now: Date = Date()) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" || $0 == "\t" }).map(String.init)
        let day: Int?, month: Int?, year: Int?, time: String
        switch tokens.count {
        case 6 where tokens[5] == "GMT":
            // IMF-fixdate or RFC 850: weekday, day, month, year, time, GMT.
            day = Int(tokens[1])
            month = monthNumber(tokens[2])
            if tokens[3].count == 2, let short = Int(tokens[3]) {
                year = fullYear(short, now: now)
            } else {
                year = tokens[3].count == 4 ? Int(tokens[3]) : nil
            }
            time = tokens[4]
        case 5:
            // asctime: weekday, month, day, time, year.
            month = monthNumber(tokens[1])
            day = Int(tokens[2])
            time = tokens[3]
            year = tokens[4].count == 4 ? Int(tokens[4]) : nil
        default:
            return nil
        }
        let clock = time.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard let day, let month, let year, clock.count == 3, time.count == 8,
            let hour = clock[0], let minute = clock[1], let second = clock[2],
            (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    private static func monthNumber(_ name: String) -> Int? {
        guard name.count == 3, let index = months.firstIndex(of: name.lowercased()) else { return nil }
        return index + 1
    }

    /// RFC 9110 §5.6.7: a two-digit year that would be more than 50 years in the future is in
    /// the past century.
    private static func fullYear(_ short: Int, now: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let current = calendar.component(.year, from: now)
        var year = current - current % 100 + short
        if year > current + 50 { year -= 100 }
        return year
    }
}
