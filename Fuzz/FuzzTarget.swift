// libFuzzer entry point, compiled together with every source file of ConnectorCompilerCore as one
// module by `make fuzz` (mk/fuzz.mk). A crash, a slow input or runaway memory is a finding.
// `FUZZ_SPEC_LOADER` is defined by mk/fuzz.mk once the core has `SpecLoader.load(bytes:file:)`.

/// Feeds one fuzzer input to the JSON reader (and, when present, the spec loader).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        let node = try JSONReader.read(bytes)
        // Every node must sit inside the input.
        precondition(node.position.offset >= 0 && node.position.offset < max(bytes.count, 1))
    } catch {
        precondition(error.position.offset >= 0 && error.position.offset <= bytes.count)
        precondition(error.position.line >= 1 && error.position.column >= 1)
        precondition(!error.rule.isEmpty && !error.message.isEmpty)
    }
    #if FUZZ_SPEC_LOADER
    _ = SpecLoader.load(bytes: bytes, file: "fuzz.json")
    #endif
    return 0
}
