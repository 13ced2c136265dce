import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 server on POSIX sockets for the benchmark: one thread per connection,
/// keep-alive, fixed answers. Python is far too slow to measure a 5% client overhead, so the
/// server lives in the benchmark process and its own capacity is measured first.
///
/// Routes: `POST /token` answers a fresh bearer token (counted); anything else answers
/// `200 {"ok":true}`.
final class BenchServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var tokenCount = 0
    private var requestCount = 0
    /// Seconds the token endpoint waits before answering (a real provider takes some time).
    let tokenLatency: TimeInterval

    init(tokenLatency: TimeInterval = 0) throws {
        self.tokenLatency = tokenLatency
        (listener, port) = try listenOnLoopback(backlog: 4096)
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Token requests so far.
    var tokens: Int { lock.withLock { tokenCount } }
    /// Requests of any kind so far.
    var requests: Int { lock.withLock { requestCount } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { continue }
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(client) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private static let okBody = Array(#"{"ok":true}"#.utf8)

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer = [UInt8]()
        buffer.reserveCapacity(16 * 1024)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            // Read until a full request (headers + Content-Length body) is buffered.
            guard let (headerEnd, contentLength) = Self.parseHead(buffer) else {
                let count = read(fd, &chunk, chunk.count)
                if count <= 0 { return }
                buffer.append(contentsOf: chunk[0..<count])
                continue
            }
            let total = headerEnd + contentLength
            if buffer.count < total {
                let count = read(fd, &chunk, chunk.count)
                if count <= 0 { return }
                buffer.append(contentsOf: chunk[0..<count])
                continue
            }
            let isToken = buffer.starts(with: Array("POST /token".utf8))
            buffer.removeFirst(total)
            let response: [UInt8]
            if isToken {
                let n = lock.withLock { () -> Int in
                    tokenCount += 1
                    requestCount += 1
                    return tokenCount
                }
                if tokenLatency > 0 { usleep(useconds_t(tokenLatency * 1_000_000)) }
                let body = Array(
                    #"{"access_token":"bench-access-\#(n)","token_type":"Bearer","expires_in":3600,"refresh_token":"bench-refresh-\#(n)"}"#.utf8)
                response = Self.response(body)
            } else {
                lock.withLock { requestCount += 1 }
                response = Self.response(Self.okBody)
            }
            var sent = 0
            while sent < response.count {
                let count = response[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if count <= 0 { return }
                sent += count
            }
        }
    }

    private static func response(_ body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: keep-alive\r\n\r\n".utf8) + body
    }

    /// The end of the head and the Content-Length, once the head is complete.
    private static func parseHead(_ buffer: [UInt8]) -> (Int, Int)? {
        guard buffer.count >= 4 else { return nil }
        var end = -1
        for index in 3..<buffer.count where buffer[index] == 10 && buffer[index - 1] == 13 && buffer[index - 2] == 10 && buffer[index - 3] == 13 {
            end = index + 1
            break
        }
        guard end > 0 else { return nil }
        let head = String(decoding: buffer[0..<end], as: UTF8.self).lowercased()
        var length = 0
        if let range = head.range(of: "\r\ncontent-length:") {
            let rest = head[range.upperBound...]
            let digits = rest.drop { $0 == " " }.prefix { $0.isNumber }
            length = Int(digits) ?? 0
        }
        return (end, length)
    }
}

/// Measures the server alone: `connections` threads, each sending keep-alive GETs on its own
/// socket for `duration` seconds. Returns requests per second.
func measureServerCapacity(port: UInt16, connections: Int, duration: TimeInterval) -> Double {
    let counter = BenchCounter()
    let deadline = Date().addingTimeInterval(duration)
    let group = DispatchGroup()
    for _ in 0..<connections {
        group.enter()
        let thread = Thread {
            defer { group.leave() }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { return }
            var yes: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let request = Array("GET /api/capacity HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\n\r\n".utf8)
            var buffer = [UInt8](repeating: 0, count: 4096)
            var done = 0
            while Date() < deadline {
                _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                // The answer is small; read until its body ("}") arrives.
                var complete = false
                while !complete {
                    let count = read(fd, &buffer, buffer.count)
                    if count <= 0 { return }
                    complete = buffer[count - 1] == UInt8(ascii: "}")
                }
                done += 1
            }
            counter.add(done)
        }
        thread.start()
    }
    group.wait()
    return Double(counter.value) / duration
}

final class BenchCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.withLock { count += n } }
    /// Adds one and returns the new count.
    func increment() -> Int { lock.withLock { count += 1; return count } }
    var value: Int { lock.withLock { count } }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
