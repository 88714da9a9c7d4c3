import ServiceLifecycle

/// The first service a SIGTERM reaches: marks the server as draining (`/readyz` answers 503), waits `seconds` while
/// the server goes on serving, then lets the shutdown go on to the HTTP server and the workers.
struct DrainService: Service {
    let readiness: ServerReadiness
    let seconds: Double

    func run() async throws {
        // Waits for a graceful shutdown; a cancelled group (a failed service) has nothing to drain.
        do { try await gracefulShutdown() } catch { return }
        readiness.beginDraining()
        if seconds > 0 { try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
    }
}
