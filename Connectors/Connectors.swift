// The catalog target. Every `*.json` beside this file is a connector spec that the
// ConnectorCompilerPlugin validates and compiles into a Swift namespace (e.g. `Zelt`) plus
// `ConnectorCatalog.all`. This file exists because SwiftPM builds no target without Swift sources.
@_exported public import ConnectorRuntime
