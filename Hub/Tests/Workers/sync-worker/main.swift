// The worker process of the sync crash tests: see `SyncWorkerCommand`.
import ConnectorHub
import Foundation

exit(await SyncWorkerCommand.run(Array(CommandLine.arguments.dropFirst())))
