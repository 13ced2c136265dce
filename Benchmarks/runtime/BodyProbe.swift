// Process and socket probes shared by the body rows of runtime-bench and by transport-bench
// (Hub/Benchmarks/transport-bench links this file by symlink).
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`), or -1 where there is none.
func procStatusKiB(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.dropFirst(field.count + 1).filter(\.isNumber)) ?? -1
    }
    return -1
}

/// Reads `url` (http, host 127.0.0.1) over a plain socket into one preallocated buffer: the
/// floor for reading a body of known size. Returns the bytes read after the head.
func rawRead(_ url: URL, expected: Int) throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(url.port ?? 80).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw BenchError("connect failed") }
    let request = Array("GET \(url.path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    var buffer = [UInt8](repeating: 0, count: expected + 4096)
    var total = 0
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
        if count <= 0 { break }
        total += count
    }
    return total
}
