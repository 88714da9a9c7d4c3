import Foundation
import JourneymanClient
import JourneymanImaging
import MidjourneyAPI
import Testing

/// What one run of the executable did.
struct CommandRun: Sendable {
    let status: Int32
    let output: String
    let errors: String

    /// Standard output parsed as one JSON object.
    func json() throws -> JSONObject {
        try #require(try JSONValue.parse(Array(output.utf8)).objectValue, "not a JSON object: \(output)")
    }

    /// The value after `label:` on a line of standard output.
    func field(_ label: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("\(label):") }.map {
            $0.dropFirst(label.count + 1).trimmingCharacters(in: .whitespaces).components(separatedBy: " ").first ?? ""
        }
    }
}

/// The `journeyman` executable that `swift build` put beside the tests.
func journeymanExecutable() throws -> String {
    if let path = ProcessInfo.processInfo.environment["JOURNEYMAN_EXECUTABLE"], FileManager.default.isExecutableFile(atPath: path) {
        return path
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    for candidate in [".build/debug/journeyman", ".build/release/journeyman"] {
        let path = root.appendingPathComponent(candidate).path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    throw TestFailure("journeyman is not built; run `swift build` first")
}

/// Runs a program without blocking the test's threads (the server under test answers on the same process's pool).
func runProgram(_ path: String, _ arguments: [String], environment: [String: String]) async throws -> CommandRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    return try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { finished in
            let out = output.fileHandleForReading.readDataToEndOfFile()
            let err = errors.fileHandleForReading.readDataToEndOfFile()
            continuation.resume(
                returning: CommandRun(
                    status: finished.terminationStatus, output: String(decoding: out, as: UTF8.self),
                    errors: String(decoding: err, as: UTF8.self)))
        }
        do {
            try process.run()
        } catch {
            continuation.resume(throwing: error)
        }
    }
}

extension LiveServer {
    /// The environment a user of this server has: JOURNEYMAN_URL and JOURNEYMAN_TOKEN, and a PATH.
    var environment: [String: String] {
        ["JOURNEYMAN_URL": url, "JOURNEYMAN_TOKEN": token, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    }

    /// Runs `journeyman` with `arguments` against this server.
    func journeyman(_ arguments: String..., environment extra: [String: String] = [:]) async throws -> CommandRun {
        try await runProgram(try journeymanExecutable(), arguments, environment: environment.merging(extra) { $1 })
    }
}

@Suite("The journeyman client commands", .serialized, .timeLimit(.minutes(10)))
struct CommandTests {
    @Test func imagineWaitsAndSavesAPNGOfTheStatedSizeAndEveryActionHasItsCommand() async throws {
        try await LiveServer.with { live in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let gridFile = directory.appendingPathComponent("grid.png").path

            let imagine = try await live.journeyman("imagine", "a lighthouse at dusk --ar 3:2", "--wait", "--output", gridFile, "--split")
            #expect(imagine.status == 0, "\(imagine.errors)")
            let imageID = try #require(imagine.field("image_id"))
            #expect(imagine.output.contains("image:     \(live.url)/midjourney/images/"))
            #expect(imagine.output.contains("(2048×1360)"))
            #expect(imagine.output.contains("actions:   upscale1 upscale2 upscale3 upscale4 reroll variation1"))
            #expect(imagine.output.contains("next:      journeyman upscale \(imageID) 1|2|3|4"))
            #expect(imagine.output.contains("saved \(gridFile) (2048×1360)"))
            #expect(try pngSize(Array(try Data(contentsOf: URL(fileURLWithPath: gridFile)))) == (2048, 1360))
            for quadrant in 1...4 {
                let path = directory.appendingPathComponent("grid-\(quadrant).png").path
                #expect(try pngSize(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) == (1024, 680))
            }

            let upscaled = try await live.journeyman("upscale", imageID, "2", "--wait")
            #expect(upscaled.status == 0, "\(upscaled.errors)")
            let upscaledID = try #require(upscaled.field("image_id"))
            #expect(upscaled.output.contains("next:      journeyman zoom \(upscaledID) 2x|1.5x"))

            let followUps: [[String]] = [
                ["vary", imageID, "3"], ["reroll", imageID], ["vary", upscaledID, "--strong"], ["vary", upscaledID, "--subtle"],
                ["zoom", upscaledID, "2x"], ["zoom", upscaledID, "1.5"], ["pan", upscaledID, "left"],
            ]
            for arguments in followUps {
                let run = try await runProgram(try journeymanExecutable(), arguments + ["--wait", "--json"], environment: live.environment)
                #expect(run.status == 0, "\(arguments): \(run.errors)")
                let record = try run.json()
                #expect(record["state"]?.stringValue == "succeeded", "\(arguments)")
            }
            let larger = try await live.journeyman("upscale", upscaledID, "4x", "--output", directory.appendingPathComponent("4x.png").path)
            #expect(larger.status == 0, "\(larger.errors)")
            #expect(try pngSize(Array(try Data(contentsOf: directory.appendingPathComponent("4x.png")))) == (4096, 2720))

            let seed = try await live.journeyman("seed", imageID)
            #expect(seed.status == 0 && UInt32(seed.output.trimmingCharacters(in: .whitespacesAndNewlines)) != nil)
        }
    }

    @Test func withoutWaitTheTaskIDIsPrintedAndWaitTaskTasksAndCancelFollowIt() async throws {
        try await LiveServer.with { live in
            let submitted = try await live.journeyman("imagine", "a red fox in snow --ar 1:1", "--json")
            #expect(submitted.status == 0, "\(submitted.errors)")
            let taskID = try #require(try submitted.json()["task_id"]?.stringValue)

            let waited = try await live.journeyman("wait", taskID)
            #expect(waited.status == 0, "\(waited.errors)")
            #expect(waited.field("task_id") == taskID)

            let shown = try await live.journeyman("task", taskID)
            #expect(shown.field("state") == "succeeded")
            #expect(shown.output.contains("prompt:    a red fox in snow --ar 1:1"))
            let record = try await live.journeyman("task", taskID, "--json").json()
            #expect(record["id"]?.stringValue == taskID && record["response"] != nil)

            let plain = try await live.journeyman("imagine", "a blue heron --ar 1:1")
            #expect(plain.output.contains("Follow it with: journeyman wait "))

            let listed = try await live.journeyman("tasks", "--limit", "1")
            #expect(listed.output.split(separator: "\n").count == 2)
            #expect(listed.output.hasPrefix("TASK"))
            #expect(try await live.journeyman("tasks", "--json").json()["items"] != nil)

            let unknown = try await live.journeyman("task", "00000000-0000-4000-8000-000000000000")
            #expect(unknown.status == 3)
            #expect(unknown.errors.contains("there is no task"))
        }
    }

    @Test func cancelEndsAPendingTaskAndWaitingForItExitsOne() async throws {
        try await LiveServer.with(workers: 0) { live in
            let taskID = try #require(
                try await live.journeyman("imagine", "a paper boat --ar 1:1", "--json").json()["task_id"]?.stringValue)
            let cancelled = try await live.journeyman("cancel", taskID)
            #expect(cancelled.status == 0)
            #expect(cancelled.output == "\(taskID): cancelled\n")
            let waited = try await live.journeyman("wait", taskID)
            #expect(waited.status == 1)
            #expect(waited.errors.contains("error: task \(taskID) cancelled: cancelled:"))
            let again = try await live.journeyman("cancel", taskID)
            #expect(again.status == 3)
            #expect(again.errors.contains("bad_request"))
        }
    }

    @Test func editRepaintsAnImageWhereItsMaskFileIsWhiteAndSavesTheGrid() async throws {
        try await LiveServer.with { live in
            let grid = try await live.client.imagine("a field of wheat --ar 4:1")
            let upscaled = try await live.client.perform(.upscale1, on: grid.imageID)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-edit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var mask = RGBAImage(width: 1024, height: 256, fill: RGBA(r: 0, g: 0, b: 0))
            for y in 0..<256 { for x in 0..<512 { mask[x, y] = RGBA(r: 255, g: 255, b: 255) } }
            let maskFile = directory.appendingPathComponent("mask.png").path
            try Data(try PNG.encode(mask)).write(to: URL(fileURLWithPath: maskFile))
            let output = directory.appendingPathComponent("edited.png").path

            let edited = try await live.journeyman(
                "edit", try #require(upscaled.rawImageURL), "a flock of birds", "--mask", maskFile, "--output", output)
            #expect(edited.status == 0, "\(edited.errors)")
            #expect(edited.output.contains("actions:   upscale1 upscale2 upscale3 upscale4 variation1"))
            let saved = try PNG.decode(Array(try Data(contentsOf: URL(fileURLWithPath: output))))
            #expect(saved.width == 2048 && saved.height == 512)
            let source = try PNG.decode(try await upscaled.download())
            // The right half is black in the mask: each of the four edits keeps it.
            #expect(saved.quadrant(3)[900, 200] == source[900, 200])

            let notPNG = try await live.journeyman("edit", try #require(upscaled.rawImageURL), "birds", "--mask", output + ".missing")
            #expect(notPNG.status == 2)
            let notURL = try await live.journeyman("edit", "./room.png", "birds")
            #expect(notURL.status == 2)
            #expect(notURL.errors.contains("is not an http(s) URL"))
        }
    }

    @Test func videoMakesFourVideosFromAnImageSavesThemAndExtendsOne() async throws {
        try await LiveServer.with { live in
            let grid = try await live.client.imagine("a harbour with boats --ar 16:9")
            let upscaled = try await live.client.perform(.upscale2, on: grid.imageID)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-video-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let stem = directory.appendingPathComponent("harbour").path

            let made = try await live.journeyman(
                "video", "boats rocking on the water", "--image", try #require(upscaled.rawImageURL), "--resolution", "480p",
                "--output", stem)
            #expect(made.status == 0, "\(made.errors)")
            let videoID = try #require(
                made.output.split(separator: "\n").first { $0.hasPrefix("video_id:") }?.split(separator: " ").last.map(String.init))
            for index in 0..<4 {
                let saved = try Data(contentsOf: URL(fileURLWithPath: "\(stem)-\(index).mp4"))
                // An MP4 file: its first box is ftyp.
                #expect(saved.count > 100_000 && Array(saved[4..<8]) == Array("ftyp".utf8))
            }

            let extended = try await live.journeyman("video", "the harbour at night", "--extend", videoID, "--index", "3", "--json")
            #expect(extended.status == 0, "\(extended.errors)")
            let submitted = try JSONValue.parse(Array(extended.output.utf8)).objectValue
            let finished = try await live.client.wait(for: try #require(submitted?["task_id"]?.stringValue))
            let result = try VideoResult(finished)
            #expect(result.videoURLs.count == 4)
            #expect(result.videoID != videoID)

            let both = try await live.journeyman("video", "boats", "--image", "https://example.com/a.png", "--extend", videoID)
            #expect(both.status == 2)
            let badIndex = try await live.journeyman("video", "boats", "--extend", videoID, "--index", "4")
            #expect(badIndex.status == 2)
            #expect(badIndex.errors.contains("--index is 0, 1, 2 or 3"))
        }
    }

    @Test func describeTakesAURLOrALocalFileAndShortenPrintsPrompts() async throws {
        try await LiveServer.with { live in
            let grid = try await live.client.imagine("a village by the sea --ar 3:2")
            let byURL = try await live.journeyman("describe", try #require(grid.rawImageURL))
            #expect(byURL.status == 0, "\(byURL.errors)")
            #expect(byURL.output.split(separator: "\n").filter { $0.hasPrefix("1. ") || $0.hasPrefix("4. ") }.count == 2)

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("describe-cli-\(UUID().uuidString).png")
            try Data(try await grid.download(thumbnail: true)).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let byFile = try await live.journeyman("describe", file.path, "--json")
            #expect(byFile.status == 0, "\(byFile.errors)")
            let record = try byFile.json()
            #expect(record["type"]?.stringValue == "describe")
            #expect(record["request"]?.objectValue?["image_url"]?.stringValue?.hasPrefix("http://127.0.0.1:") == true)

            let missing = try await live.journeyman("describe", "/no/such/file.png")
            #expect(missing.status == 2)

            let shortened = try await live.journeyman("shorten", "a very detailed oil painting of an old lighthouse on a cliff at dusk")
            #expect(shortened.status == 0)
            #expect(!shortened.output.isEmpty)
        }
    }

    @Test func exitCodesTellATaskFailureAUsageErrorAndAServerOrNetworkError() async throws {
        try await LiveServer.with { live in
            let missingImage = "\(live.url)/midjourney/images/00000000-0000-4000-8000-000000000000.png"
            let failed = try await live.journeyman("describe", missingImage)
            #expect(failed.status == 1)
            #expect(failed.errors.contains("failed: bad_request:"))

            let refused = try await live.journeyman("imagine", "a cat --ar 9:1")
            #expect(refused.status == 3)
            #expect(refused.errors.contains("error: bad_request:") && refused.errors.contains("--ar"))

            let usage = try await live.journeyman("vary", "123")
            #expect(usage.status == 2)
            let badQuadrant = try await live.journeyman("upscale", "123", "7")
            #expect(badQuadrant.status == 2)
            let noServer = try await runProgram(try journeymanExecutable(), ["tasks"], environment: ["PATH": "/usr/bin:/bin"])
            #expect(noServer.status == 2)
            #expect(noServer.errors.contains("JOURNEYMAN_URL"))

            let unreachable = try await live.journeyman("tasks", environment: ["JOURNEYMAN_URL": "http://127.0.0.1:\(try freePort())"])
            #expect(unreachable.status == 3)
            #expect(unreachable.errors.contains("cannot reach"))

            let badToken = try await live.journeyman("tasks", environment: ["JOURNEYMAN_TOKEN": "jm_wrong"])
            #expect(badToken.status == 3)
            #expect(badToken.errors.contains("invalid_token"))

            // --url and --token win over the environment.
            let overridden = try await runProgram(
                try journeymanExecutable(), ["tasks", "--url", live.url, "--token", live.token],
                environment: ["JOURNEYMAN_URL": "http://127.0.0.1:1", "JOURNEYMAN_TOKEN": "jm_wrong", "PATH": "/usr/bin:/bin"])
            #expect(overridden.status == 0, "\(overridden.errors)")
        }
    }

    @Test func progressIsABarRedrawnInPlaceOnATerminalAndALinePerChangeElsewhere() async throws {
        let script = try #require(
            ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }, "util-linux script")
        try await LiveServer.with { live in
            let executable = try journeymanExecutable()
            // `script` runs the command on a pseudo-terminal and copies what it shows to its own output.
            let command = "\(executable) imagine 'a harbour at night --ar 1:1' --wait"
            let onTerminal = try await runProgram(script, ["-qfec", command, "/dev/null"], environment: live.environment)
            #expect(onTerminal.status == 0, "\(onTerminal.output)")
            let redraws = onTerminal.output.components(separatedBy: "\r\u{1B}[2K").count - 1
            #expect(redraws >= 3)
            #expect(onTerminal.output.contains("█"))
            #expect(onTerminal.output.contains("100%  succeeded"))
            #expect(!onTerminal.output.contains("progress: "))

            let offTerminal = try await live.journeyman("imagine", "a harbour at dawn --ar 1:1", "--wait", "--poll")
            #expect(offTerminal.status == 0, "\(offTerminal.errors)")
            let lines = offTerminal.errors.split(separator: "\n")
            #expect(lines.count >= 2)
            #expect(lines.allSatisfy { $0.hasPrefix("progress: ") })
            #expect(lines.last == "progress: 100% succeeded")
            #expect(!offTerminal.errors.contains("\r"))
            // Standard output holds only the result.
            #expect(offTerminal.output.hasPrefix("task_id:"))
        }
    }

    @Test func everyClientCommandExplainsItselfWithExamplesAndNoDefaultIsPrintedTwice() async throws {
        let executable = try journeymanExecutable()
        let commands = [
            "imagine", "upscale", "vary", "zoom", "pan", "reroll", "describe", "seed", "shorten", "task", "tasks", "cancel", "wait",
        ]
        for command in commands {
            let help = try await runProgram(executable, [command, "--help"], environment: [:])
            #expect(help.status == 0)
            #expect(help.output.contains("USAGE: journeyman \(command)"), "\(command)")
            #expect(help.output.contains("Example"), "\(command)")
            #expect(help.output.contains("--url") && help.output.contains("JOURNEYMAN_TOKEN"), "\(command)")
        }
        #expect(
            try await runProgram(executable, ["describe", "--help"], environment: [:]).output.contains("must be able to reach this machine")
        )
        for command in [["token", "create"], ["serve"], ["webhooks", "list"], ["gallery"], ["tasks"]] {
            let help = try await runProgram(executable, command + ["--help"], environment: [:]).output
            let doubled = help.range(of: #"\(default: [^)]*\)\s*\(default:"#, options: .regularExpression)
            #expect(doubled == nil, "\(command): \(help)")
        }
    }
}
