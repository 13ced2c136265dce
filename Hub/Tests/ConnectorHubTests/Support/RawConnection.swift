import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to 127.0.0.1 for what an HTTP client will not send: a body with a
/// malformed chunk size, a request head that never ends, or nothing at all.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    /// Connects; reads give up after `receiveTimeout` seconds without a byte (a deadline against
    /// hanging, not a measured limit).
    init(port: Int, receiveTimeout: Int = 60) throws {
        // Connected before `descriptor` is set: a failed connect closes the socket here, once
        // (with the property set, `deinit` would close the freed number again, and a freed
        // number is soon another socket's in a parallel test).
        descriptor = try Self.connect(port: port, receiveTimeout: receiveTimeout)
    }

    private static func connect(port: Int, receiveTimeout: Int) throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw ServerError("socket() failed") }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #else
                Darwin.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #endif
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw ServerError("connect() to 127.0.0.1:\(port) failed")
        }
        return descriptor
    }

    deinit { close(descriptor) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw ServerError("write() failed") }
            sent += count
        }
    }

    /// Everything the server sends until it closes the connection, and whether it closed it
    /// (`false`: the receive timeout passed with the connection still open). The blocking reads
    /// run on a thread of their own: on the concurrency pool they could starve the server under test.
    func readUntilClosed() async -> (text: String, closedByServer: Bool) {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.blockingReadUntilClosed()) }.start()
        }
    }

    private func blockingReadUntilClosed() -> (text: String, closedByServer: Bool) {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else {
                // 0: the server closed it; -1 with ECONNRESET counts too. EAGAIN: the timeout passed.
                let closed = count == 0 || errno == ECONNRESET
                return (String(decoding: received, as: UTF8.self), closed)
            }
        }
    }
}
