// An in-process HTTP/1.1 server for the resources benchmark: answers
// `GET /n/<total>/v1/people?offset=<o>&limit=<l>` with a page of generated people and the total,
// on keep-alive connections (one thread each). Pages are rendered per request, so the server holds
// no more than one page per connection.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class PageServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32

    init() throws {
        (listener, port) = try listenOnLoopback(backlog: 128)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var origin: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            while !Self.hasHeadEnd(buffer) {
                let count = read(client, &chunk, chunk.count)
                guard count > 0 else { return }
                buffer.append(contentsOf: chunk[0..<count])
            }
            guard let end = Self.headEnd(buffer) else { return }
            let head = String(decoding: buffer[0..<end], as: UTF8.self)
            buffer.removeFirst(end + 4)
            let target = head.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
            let body = Self.page(target)
            var response = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
            response += body
            var offset = 0
            while offset < response.count {
                let written = response[offset...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    private static func hasHeadEnd(_ buffer: [UInt8]) -> Bool { headEnd(buffer) != nil }

    private static func headEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// The page for `/n/<total>/v1/people?offset=&limit=`.
    static func page(_ target: String) -> [UInt8] {
        let parts = target.split(separator: "?", maxSplits: 1)
        let path = parts.first.map(String.init) ?? ""
        let total = Int(path.split(separator: "/").dropFirst().first ?? "") ?? 0
        var offset = 0
        var limit = 100
        for pair in (parts.count > 1 ? parts[1] : "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let value = Int(kv[1]) else { continue }
            if kv[0] == "offset" { offset = value } else if kv[0] == "limit" { limit = value }
        }
        var json = "{\"data\":["
        let end = min(total, offset + limit)
        if offset < end {
            for index in offset..<end {
                if index > offset { json += "," }
                let status = ["active", "inactive", "on_leave"][index % 3]
                json += "{\"id\":\"p\(index)\",\"email\":\"person\(index)@acme.example\",\"first_name\":\"Person \(index)\","
                json += "\"status\":\"\(status)\",\"updated_at\":\"2025-01-0\(index % 9 + 1)T10:00:00Z\",\"salary\":\(1000 + index).5,"
                json += "\"level\":\(index % 7),\"remote\":\(index % 2 == 0),\"tags\":[\"a\",\"b\"],\"nickname\":\"p\(index)\"}"
            }
        }
        json += "],\"total\":\(total)}"
        return Array(json.utf8)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
