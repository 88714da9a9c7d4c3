import ArgumentParser
import Foundation
import JourneymanClient
import MidjourneyAPI

/// Where the API is and who calls it: the options every client command shares.
struct ClientOptions: ParsableArguments {
    @Option(help: "Base URL of the server, e.g. http://127.0.0.1:8080. (env: JOURNEYMAN_URL)")
    var url: String?

    @Option(help: "API token (`journeyman token create` makes one). (env: JOURNEYMAN_TOKEN)")
    var token: String?

    @Flag(help: "Follow tasks by polling the Tasks API instead of the server's events stream.")
    var poll = false

    /// The client these options and the environment describe; a missing or malformed setting is a usage error (exit 2).
    func client() throws -> JourneymanClient {
        var configuration = ClientConfiguration()
        if poll { configuration.waitStrategy = .polling }
        // A terminal user waits for as long as the task takes; Ctrl-C stops the wait.
        configuration.waitTimeout = nil
        do {
            return try JourneymanClient.fromEnvironment(url: url, token: token, configuration: configuration)
        } catch {
            ClientRun.printError(error.description)
            throw ClientRun.usage
        }
    }
}

/// `--json`: the raw answer for scripts.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print the server's answer as JSON (the finished task record when waiting) instead of text.")
    var json = false
}

/// Runs a client command's work and turns what can go wrong into a message and the documented exit code:
/// 1 the task failed, 2 usage, 3 a server or network error.
enum ClientRun {
    /// Exit code of a task that failed or was cancelled.
    static let taskFailed = ExitCode(1)
    /// Exit code of a usage error.
    static let usage = ExitCode(2)
    /// Exit code of a refusal by the server or a network failure.
    static let serverError = ExitCode(3)

    static func run(_ client: JourneymanClient? = nil, _ work: () async throws -> Void) async throws {
        do {
            try await work()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch let failure as TaskFailure {
            printError("task \(failure.taskID) \(failure.state.rawValue): \(failure.code): \(failure.message)")
            throw taskFailed
        } catch let error as ServerError {
            let trace = error.traceID.map { ", trace_id \($0)" } ?? ""
            printError("\(error.code): \(error.message) (HTTP \(error.status)\(trace))")
            throw serverError
        } catch let error as ClientError {
            if case .invalidArgument(let message) = error { throw ValidationError(message) }
            printError(error.description)
            throw serverError
        } catch is CancellationError {
            throw ExitCode(130)
        } catch {
            printError("cannot reach \(client?.baseURL ?? "the server"): \(error)")
            throw serverError
        }
    }

    /// `error: <message>` on standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}

/// Compact JSON text of an object, for `--json`.
func jsonText(_ object: JSONObject) -> String {
    String(decoding: JSONValue.object(object).encoded(), as: UTF8.self)
}
