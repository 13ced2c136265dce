// The 'api' section: base URL and header templates, the verification request and its warnings.

import Foundation

extension SemanticValidator {
    mutating func checkAPI() {
        guard let api = root["api"], api.members != nil else { return }
        var slots: [Slot] = []
        if let baseURL = api["baseURL"] { slots.append(Slot(node: baseURL, label: "'baseURL'", kind: .url)) }
        for member in api["headers"]?.members ?? [] {
            slots.append(Slot(node: member.value, label: "header '\(member.key)'", kind: .plain))
        }
        let variants = root["auth"]?.arrayValue ?? []
        let everyVariantVerifies = !variants.isEmpty && variants.allSatisfy { $0["verify"] != nil }
        if let verify = api["verify"], verify.members != nil {
            slots += verifySlots(verify)
        } else if api["verify"] == nil, !everyVariantVerifies {
            collector.warning(
                "verify-missing", "'api' has no 'verify' request, so wrong credentials go unnoticed until first use",
                hint: "add a cheap authenticated request, e.g. \"verify\": { \"path\": \"/me\" }", at: api.position,
                pointer: api.pointer)
        }
        for slot in slots { checkTemplate(slot, variant: nil, tokenFields: nil, discovered: nil) }
    }

    /// The path of a verification request (a URL slot when absolute) and the no-auth warning.
    mutating func verifySlots(_ verify: JSONNode) -> [Slot] {
        if let usesAuth = verify["usesAuth"], usesAuth.boolValue == false {
            collector.warning(
                "verify-no-auth", "a verification request that uses no auth proves nothing about the credentials",
                hint: "set 'usesAuth' to true and pick an endpoint that needs the credentials",
                at: usesAuth.position, pointer: usesAuth.pointer)
        }
        guard let path = verify["path"] else { return [] }
        let absolute = path.stringValue.map { $0.hasPrefix("https://") || $0.hasPrefix("http://") } ?? false
        return [Slot(node: path, label: "'path'", kind: absolute ? .url : .query)]
    }
}
