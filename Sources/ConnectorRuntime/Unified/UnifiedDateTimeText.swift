public import Foundation

extension DateTimeCoding {
    /// `instant` as an RFC 3339 date-time in UTC, keeping its fractional seconds: none for a whole
    /// second (`2024-02-29T10:00:00Z`), milliseconds when that is all it has (`...:00.120Z`), else
    /// microseconds (`...:00.123456Z`, the finest a `Date` of today holds). The unified records'
    /// date-times in JSON (the Hub, `UnifiedModelRecord.json`): a source value with a fraction
    /// keeps it. Written without a formatter, which would cost more than the rest of a record.
    public static func rfc3339(_ instant: Date) -> String {
        let micros = Int64((instant.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var second = seconds % 86_400
        if second < 0 {
            second += 86_400
            days -= 1
        }
        // Civil date from days since 1970-01-01 (proleptic Gregorian), the inverse of RFC3339.parse.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        var text = ""
        text.reserveCapacity(27)
        func append(_ value: Int64, width: Int) {
            var digits = [UInt8](repeating: 0x30, count: width)
            var rest = value
            for index in stride(from: width - 1, through: 0, by: -1) {
                digits[index] = UInt8(0x30 + rest % 10)
                rest /= 10
            }
            text += String(decoding: digits, as: UTF8.self)
        }
        if year < 0 || year > 9999 { return plainText(instant) }
        append(year, width: 4)
        text += "-"
        append(month, width: 2)
        text += "-"
        append(day, width: 2)
        text += "T"
        append(second / 3600, width: 2)
        text += ":"
        append(second / 60 % 60, width: 2)
        text += ":"
        append(second % 60, width: 2)
        if fraction != 0 {
            text += "."
            if fraction % 1000 == 0 { append(fraction / 1000, width: 3) } else { append(fraction, width: 6) }
        }
        text += "Z"
        return text
    }

    /// A year RFC 3339 cannot write (before 0000 or after 9999): the formatter's text.
    private static func plainText(_ instant: Date) -> String { text(instant, format: .iso8601) }
}
