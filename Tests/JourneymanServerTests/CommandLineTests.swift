import Foundation
import JourneymanServer
import MidjourneyAPI
import Testing

/// The `journeyman` executable that `swift build` put beside the tests.
func journeymanExecutable() throws -> URL {
    // A build in another scratch path (`swift build --scratch-path .build-x`) names its executable here.
    if let path = ProcessInfo.processInfo.environment["JOURNEYMAN_EXECUTABLE"], FileManager.default.isExecutableFile(atPath: path) {
        return URL(fileURLWithPath: path)
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidates = [".build/debug/journeyman", ".build/release/journeyman"].map { root.appendingPathComponent($0) }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw CommandLineFailure(message: "journeyman is not built; run `swift build` first")
    }
    return found
}

struct CommandLineFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs the executable off the cooperative pool; answers its standard output, or throws with its standard error.
func runJourneyman(_ arguments: [String]) async throws -> String {
    try await blocking { try runJourneymanBlocking(arguments) }
}

/// Runs the executable, blocking the calling thread; answers its standard output, or throws with its standard error.
func runJourneymanBlocking(_ arguments: [String]) throws -> String {
    let ran = try runProcessBlocking(try journeymanExecutable(), arguments)
    guard ran.status == 0 else {
        throw CommandLineFailure(
            message: "journeyman \(arguments.joined(separator: " ")) exited \(ran.status): \(String(decoding: ran.errors, as: UTF8.self))"
        )
    }
    return String(decoding: ran.output, as: UTF8.self)
}

/// Runs a program to its end, blocking the calling thread; answers its exit status, standard output and standard error
/// (read to their ends before waiting, so a full pipe cannot stall it).
func runProcessBlocking(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: Data, errors: Data) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, data, errorData)
}

@Suite("The journeyman command", .timeLimit(.minutes(10)))
struct CommandLineTests {
    @Test func aTokenCreatedByTheCommandWorksAgainstARunningServer() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.testLive { api in
            let output = try await runJourneyman([
                "token", "create", "--name", "cli-made", "--scopes", "tasks", "--credits", "5", "--data", server.dataDirectory,
            ])
            let token = try #require(output.split(separator: "\n").last.map(String.init))
            #expect(token.hasPrefix("jm_"))
            let reply = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#, token: token)
            #expect(reply.status == .ok)
            #expect(reply.object.int("count") == 0)
            let refused = try await api.post("/midjourney/imagine", #"{"prompt":"x"}"#, token: token)
            #expect(refused.errorCode == "token_mismatched")

            let listing = try await runJourneyman(["token", "list", "--data", server.dataDirectory])
            #expect(listing.contains("cli-made"))
            #expect(!listing.contains(token))
            let credentialID = try #require(
                output.split(separator: "\n").first { $0.hasPrefix("credential:") }?.split(separator: " ").last.map(String.init)
            )
            _ = try await runJourneyman(["token", "revoke", credentialID, "--data", server.dataDirectory])
            // Another process revoked it: the server reads the credential again within a second (issue 10's bound).
            let revokedAt = ContinuousClock.now
            var afterRevoking = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#, token: token)
            while afterRevoking.status == .ok, ContinuousClock.now - revokedAt < .seconds(1) {
                try await Task.sleep(for: .milliseconds(20))
                afterRevoking = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#, token: token)
            }
            #expect(afterRevoking.status == .unauthorized)
        }
    }

    @Test func everyCommandExplainsItselfWithHelp() async throws {
        for command in [
            ["--help"], ["serve", "--help"], ["token", "create", "--help"], ["token", "list", "--help"], ["gallery", "--help"],
        ] {
            let help = try await runJourneyman(command)
            #expect(help.contains("USAGE"), "\(command) prints usage")
        }
        #expect(try await runJourneyman(["serve", "--help"]).contains("--public-url"))
    }
}
