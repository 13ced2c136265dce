// Which files of a target are connector specs; shared by both plugins.

import PackagePlugin

/// `true` for files the plugins treat as connector specs: `*.json` files of a target that are
/// not declared resources (test fixtures declared with `resources:` are left alone).
func isConnectorSpec(_ file: File) -> Bool { file.type != .resource && file.url.pathExtension == "json" }
