import Testing

/// Real catalog connectors, driven through their generated code against one Authlib server in
/// provider-emulation mode: each connector's hosts are pointed at the server with the runtime's
/// endpoint override, and the server answers at the provider's real paths. The nested suites
/// (one per provider, in this folder) share the server and isolate themselves with their own
/// provider names and OAuth clients, so they run in parallel.
@Suite(.authServer, .timeLimit(.minutes(1)))
struct CatalogEndToEnd {}
