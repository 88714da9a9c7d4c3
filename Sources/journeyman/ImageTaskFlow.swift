import ArgumentParser
import Foundation
import JourneymanClient
import MidjourneyAPI

/// The options of the commands that make an image: imagine and every follow-up action.
struct ImageTaskOptions: ParsableArguments {
    @Flag(help: "Wait for the task: a live progress bar on a terminal (a line per change otherwise), then the result.")
    var wait = false

    @Option(name: .shortAndLong, help: "Save the full-size image to this file once it is done (implies --wait).")
    var output: String?

    @Flag(help: "Ask for the grid's four images separately too; with --output they are saved beside it as NAME-1.png … NAME-4.png.")
    var split = false

    @Option(help: "fast, relax or turbo (the server's default is fast).")
    var mode: String?

    @OptionGroup var format: JSONOption

    /// The Imagine options these flags ask for.
    func imagineOptions() throws -> ImagineOptions {
        var options = ImagineOptions(splitImages: split)
        if let mode {
            guard let parsed = TaskMode(rawValue: mode) else { throw ValidationError("--mode takes fast, relax or turbo, not '\(mode)'") }
            options.mode = parsed
        }
        return options
    }
}

/// What the client commands do after submitting: follow the task, print its result, save its image.
enum ImageTaskFlow {
    /// Submits, then waits and shows the result when asked to; otherwise prints the new task's id.
    static func run(
        _ clientOptions: ClientOptions, _ options: ImageTaskOptions,
        submit: (JourneymanClient, ImagineOptions) async throws -> SubmittedTask
    ) async throws {
        let client = try clientOptions.client()
        let imagineOptions = try options.imagineOptions()
        try await ClientRun.run(client) {
            let submitted = try await submit(client, imagineOptions)
            guard options.wait || options.output != nil else {
                if options.format.json {
                    print(submitted.json)
                } else {
                    print("task_id: \(submitted.taskID)")
                    print("Follow it with: journeyman wait \(submitted.taskID)")
                }
                return
            }
            let finished = try await follow(client, submitted.taskID, json: options.format.json)
            try await show(finished, client: client, json: options.format.json, output: options.output)
        }
    }

    /// Follows a task to its end, showing progress unless the output is JSON; a failed task prints its record (with
    /// `--json`) and throws its failure.
    static func follow(_ client: JourneymanClient, _ taskID: String, json: Bool) async throws -> TaskSnapshot {
        var display = ProgressDisplay()
        var last: TaskSnapshot?
        for try await update in client.updates(of: taskID) {
            if !json { display.show(update) }
            last = update
        }
        display.finish()
        guard let last, last.isFinished else {
            throw ClientError.unreadableAnswer(path: "/midjourney/tasks", detail: "the updates of task \(taskID) ended before it finished")
        }
        if let failure = last.failure {
            if json { print(last.json) }
            throw failure
        }
        return last
    }

    /// Prints a finished task (its record with `--json`) and saves its image to `output`.
    static func show(_ task: TaskSnapshot, client: JourneymanClient, json: Bool, output: String?) async throws {
        if json { print(task.json) }
        if let descriptions = task.descriptions {
            if !json {
                for (index, description) in descriptions.enumerated() { print("\(index + 1). \(description)") }
            }
            if output != nil { note("a describe task has no image to save", json: json) }
            return
        }
        if let video = try? VideoResult(task) {
            if !json { printVideo(video) }
            if let output { try await save(video, client: client, to: output, json: json) }
            return
        }
        let image = try ImageResult(task, client: client)
        if !json { printImage(image) }
        if let output { try await save(image, to: output, json: json) }
    }

    /// A video result's links, its video id and how to extend it.
    static func printVideo(_ video: VideoResult) {
        print("task_id:   \(video.taskID)")
        print("video_id:  \(video.videoID)")
        if let cover = video.coverURL { print("cover:     \(cover)\(size(video.width, video.height))") }
        for (index, url) in video.videoURLs.enumerated() { print("video \(index):   \(url)") }
        print("next:      journeyman video \"PROMPT\" --extend \(video.videoID) --index 0|1|2|3")
    }

    /// Downloads the videos to `NAME-0.mp4` … `NAME-3.mp4` beside `output` (`NAME.mp4`, or a bare NAME).
    static func save(_ video: VideoResult, client: JourneymanClient, to output: String, json: Bool) async throws {
        let stem = output.lowercased().hasSuffix(".mp4") ? (output as NSString).deletingPathExtension : output
        for (index, url) in video.videoURLs.enumerated() {
            let path = "\(stem)-\(index).mp4"
            try write(try await client.download(url), to: URL(fileURLWithPath: path))
            note("saved \(path)", json: json)
        }
    }

    /// The result's links, id and what may follow.
    static func printImage(_ image: ImageResult) {
        if let taskID = image.taskID { print("task_id:   \(taskID)") }
        print("image_id:  \(image.imageID)")
        if let url = image.rawImageURL { print("image:     \(url)\(size(image.rawImageWidth, image.rawImageHeight))") }
        if let url = image.imageURL { print("thumbnail: \(url)\(size(image.imageWidth, image.imageHeight))") }
        for (index, url) in image.subImageURLs.enumerated() { print("image \(index + 1):   \(url)") }
        print("actions:   \(image.actionNames.isEmpty ? "none" : image.actionNames.joined(separator: " "))")
        for hint in nextCommands(image) { print("next:      \(hint)") }
    }

    /// The commands that perform the result's actions.
    static func nextCommands(_ image: ImageResult) -> [String] {
        let id = image.imageID
        let actions = Set(image.actions)
        var hints: [String] = []
        if actions.contains(.upscale1) { hints.append("journeyman upscale \(id) 1|2|3|4") }
        if actions.contains(.variation1) { hints.append("journeyman vary \(id) 1|2|3|4") }
        if actions.contains(.reroll) { hints.append("journeyman reroll \(id)") }
        if actions.contains(.upscale2x) { hints.append("journeyman upscale \(id) 2x|4x") }
        if actions.contains(.variationSubtle) { hints.append("journeyman vary \(id) --subtle|--strong") }
        if actions.contains(.zoomOut2x) { hints.append("journeyman zoom \(id) 2x|1.5x") }
        if actions.contains(.panLeft) { hints.append("journeyman pan \(id) left|right|up|down") }
        return hints
    }

    /// Downloads the full-size image (and the quadrants, when the result has them) to `output`.
    static func save(_ image: ImageResult, to output: String, json: Bool) async throws {
        let url = URL(fileURLWithPath: output)
        try write(try await image.download(), to: url)
        note("saved \(output)\(size(image.rawImageWidth, image.rawImageHeight))", json: json)
        let stem = (output as NSString).deletingPathExtension
        let suffix = url.pathExtension.isEmpty ? "png" : url.pathExtension
        for (index, quadrant) in image.subImageURLs.enumerated() {
            let path = "\(stem)-\(index + 1).\(suffix)"
            try write(try await image.client.download(quadrant), to: URL(fileURLWithPath: path))
            note("saved \(path)", json: json)
        }
    }

    private static func write(_ bytes: [UInt8], to url: URL) throws {
        do {
            try Data(bytes).write(to: url)
        } catch {
            throw ValidationError("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// A line for the reader: on standard output, or on standard error when standard output is JSON.
    static func note(_ text: String, json: Bool) {
        if json { FileHandle.standardError.write(Data((text + "\n").utf8)) } else { print(text) }
    }

    private static func size(_ width: Int?, _ height: Int?) -> String {
        guard let width, let height else { return "" }
        return " (\(width)×\(height))"
    }
}
