import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-request-per-connection HTTP/1.1 server for the response-body rows of the benchmark.
///
/// Routes:
/// - `GET /chunked/<MiB>[/<MiB per second>]`: a `Transfer-Encoding: chunked` body of that many
///   MiB, written as fast as the client reads it or at the given rate; the bytes actually
///   written are recorded (``lastChunked``), so the benchmark can tell whether the client
///   stopped reading.
/// - `GET /fixed/<bytes>`: a body of that many bytes with `Content-Length`.
final class BodyServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var chunkedBytes = 0
    private var chunkedDone = true

    init() throws {
        signal(SIGPIPE, SIG_IGN)
        (listener, port) = try listenOnLoopback(backlog: 64)
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Bytes of body written on the latest chunked response, and whether it has ended (all
    /// written, or the client closed the connection).
    var lastChunked: (bytes: Int, ended: Bool) { lock.withLock { (chunkedBytes, chunkedDone) } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { continue }
            let thread = Thread { [self] in serve(client) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var head = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            let count = read(fd, &chunk, chunk.count)
            if count <= 0 { return }
            head.append(contentsOf: chunk[0..<count])
        }
        let line = String(decoding: head.prefix { $0 != 13 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return }
        let segments = parts[1].split(separator: "/")
        guard segments.count >= 2, let size = Int(segments[1]) else { return }
        if segments[0] == "chunked" {
            serveChunked(fd, mebibytes: size, rate: segments.count > 2 ? Double(segments[2]) ?? 0 : 0)
        } else {
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: size)
            _ = writeAll(fd, Array("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: \(size)\r\nConnection: close\r\n\r\n".utf8))
            _ = writeAll(fd, body)
        }
    }

    private func serveChunked(_ fd: Int32, mebibytes: Int, rate: Double) {
        lock.withLock {
            chunkedBytes = 0
            chunkedDone = false
        }
        defer { lock.withLock { chunkedDone = true } }
        guard writeAll(fd, Array("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)) else {
            return
        }
        let payload = 64 * 1024
        let frame = Array("\(String(payload, radix: 16))\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: payload) + [13, 10]
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<(mebibytes * 16) {
            guard writeAll(fd, frame) else { return }
            lock.withLock { chunkedBytes += payload }
            if rate > 0 {
                let due = Double(index + 1) / 16 / rate
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if due > elapsed { usleep(useconds_t((due - elapsed) * 1_000_000)) }
            }
        }
        _ = writeAll(fd, Array("0\r\n\r\n".utf8))
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }
}
