// Process and socket probes shared by the body rows of runtime-bench and by transport-bench
// (Hub/Benchmarks/transport-bench links this file by symlink).
import ConnectorRuntime
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

/// Runs one child measurement with `transport` and prints `key=value` lines; never returns.
/// `warmUp` sends one untimed request before the timed ones of the `fixed` mode, so connection
/// set-up is not part of that row.
func runTransportChild(_ transport: any HTTPTransport, mode: String, url: URL, warmUp: Bool) async -> Never {
    var output: [String: String] = [:]
    do {
        switch mode {
        case "idle":
            _ = try await transport.send(HTTPRequest(url: url, timeout: 60))
        case "capped":
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                _ = try await transport.send(HTTPRequest(url: url, timeout: 120))
                output["outcome"] = "accepted"
            } catch let error as TransportError {
                output["outcome"] = error.kind == .responseTooLarge ? "refused" : "\(error.kind)"
            }
            output["seconds"] = String(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            output["hwm_at_error_kib"] = String(procStatusKiB("VmHWM"))
            // Stay alive: a transfer that goes on after the error shows up as more bytes written
            // by the server and a higher peak.
            try await Task.sleep(nanoseconds: 2_000_000_000)
        case "fixed":
            var transportTimes: [Double] = []
            var rawTimes: [Double] = []
            if warmUp { _ = try await transport.send(HTTPRequest(url: url, timeout: 120)) }
            for _ in 0..<5 {
                var start = DispatchTime.now().uptimeNanoseconds
                let response = try await transport.send(HTTPRequest(url: url, timeout: 120))
                guard response.body.count == largeBodyBytes else { throw BenchError("short body: \(response.body.count)") }
                transportTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                start = DispatchTime.now().uptimeNanoseconds
                _ = try rawRead(url, expected: largeBodyBytes)
                rawTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            output["transport_ms"] = String(median(transportTimes))
            output["raw_ms"] = String(median(rawTimes))
        default:
            throw BenchError("unknown child mode \(mode)")
        }
    } catch {
        output["error"] = "\(error)"
    }
    output["hwm_kib"] = String(procStatusKiB("VmHWM"))
    for (key, value) in output.sorted(by: { $0.key < $1.key }) { print("\(key)=\(value)") }
    exit(0)
}

/// Runs this executable again with `arguments` and returns the child's `key=value` lines;
/// throws the child's `error` line, prefixed with `label`.
func childValues(_ arguments: [String], label: String) throws -> [String: String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var values: [String: String] = [:]
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        guard let equals = line.firstIndex(of: "=") else { continue }
        values[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    if let error = values["error"] { throw BenchError("child \(label): \(error)") }
    return values
}
