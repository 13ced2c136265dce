// The spec texts `generate --catalog` embeds in ConnectorCatalog+Specs.swift: the bytes this run
// read (and validated, or found unchanged through the cache), so the embedded text is the text
// the module was compiled from.
import ConnectorCompilerCore

extension GenerateCommand {
    /// Each file's spec id (its file name, which the validator requires to equal the id) and
    /// text, in file order. Only called after every spec validated, so each was read as UTF-8.
    static func specSources(_ files: [String], _ contents: [[UInt8]?]) -> [(id: String, text: String)] {
        zip(files, contents).map { file, bytes in
            (id: OutputNaming.specID(forSpecPath: file), text: String(decoding: bytes ?? [], as: UTF8.self))
        }
    }
}
