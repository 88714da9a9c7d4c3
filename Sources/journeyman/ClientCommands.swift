import ArgumentParser
import Foundation
import JourneymanClient
import MidjourneyAPI

// The commands for people who call the API: each is a thin layer over JourneymanClient.

/// Shared by every client command's help.
private let environmentNote = """
    The server and the token come from JOURNEYMAN_URL and JOURNEYMAN_TOKEN (or --url and --token). \
    Exit codes: 0 success, 1 the task failed, 2 usage, 3 a server or network error.
    """

/// `journeyman imagine`.
struct ImagineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagine",
        abstract: "Make a 2×2 grid of pictures from a prompt.",
        discussion: """
            Without --wait it prints the new task's id at once. With --wait it follows the task, then prints the image \
            URLs, the image_id and the commands for the next actions.

            Examples:
              export JOURNEYMAN_URL=http://127.0.0.1:8080 JOURNEYMAN_TOKEN=jm_...
              journeyman imagine "a lighthouse at dusk --ar 3:2" --wait
              journeyman imagine "a red fox in snow" --output fox.png --split
              journeyman imagine "a castle on a hill" --wait --json | jq .response.image_id

            \(environmentNote)
            """
    )

    @Argument(help: "The prompt, with Midjourney parameters such as --ar 3:2 (quote it).")
    var prompt: String

    @OptionGroup var image: ImageTaskOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await ImageTaskFlow.run(client, image) { client, options in try await client.submitImagine(prompt, options: options) }
    }
}

/// `journeyman upscale`.
struct UpscaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "One image of a grid at full size (1–4), or an upscaled image made larger (2x, 4x).",
        discussion: """
            Examples:
              journeyman upscale 1259525319472185344 2 --wait
              journeyman upscale 1259525319472185351 2x --output large.png

            \(environmentNote)
            """
    )

    @Argument(help: "The image_id of a grid (or of an upscaled image, for 2x and 4x).")
    var imageID: String

    @Argument(help: "1, 2, 3 or 4: which image of the grid (1 top left, 4 bottom right); or 2x or 4x.")
    var which: String

    @OptionGroup var image: ImageTaskOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let action: ImageAction
        if let factor = UpscaleFactor(rawValue: which.lowercased()) {
            action = factor.action
        } else if let quadrant = Int(which), let upscale = ImageAction.upscale(quadrant) {
            action = upscale
        } else {
            throw ValidationError("upscale takes 1, 2, 3, 4, 2x or 4x, not '\(which)'")
        }
        try await ImageTaskFlow.run(client, image) { client, options in try await client.submit(action, on: imageID, options: options) }
    }
}

/// `journeyman vary`.
struct VaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vary",
        abstract: "Variations: of one image of a grid (1–4), or of an upscaled image (--subtle or --strong).",
        discussion: """
            Examples:
              journeyman vary 1259525319472185344 3 --wait
              journeyman vary 1259525319472185351 --strong --wait

            \(environmentNote)
            """
    )

    @Argument(help: "The image_id of a grid, or of an upscaled image.")
    var imageID: String

    @Argument(help: "1, 2, 3 or 4: which image of the grid to vary.")
    var quadrant: Int?

    @Flag(help: "Bold variations of an upscaled image.")
    var strong = false

    @Flag(help: "Close variations of an upscaled image.")
    var subtle = false

    @OptionGroup var image: ImageTaskOptions
    @OptionGroup var client: ClientOptions

    func validate() throws {
        let chosen = (quadrant == nil ? 0 : 1) + (strong ? 1 : 0) + (subtle ? 1 : 0)
        guard chosen == 1 else { throw ValidationError("vary takes one of: a quadrant 1–4, --strong, --subtle") }
        if let quadrant, ImageAction.variation(quadrant) == nil { throw ValidationError("the quadrant is 1, 2, 3 or 4, not \(quadrant)") }
    }

    func run() async throws {
        let action: ImageAction
        if let quadrant, let variation = ImageAction.variation(quadrant) {
            action = variation
        } else {
            action = strong ? VariationStrength.strong.action : VariationStrength.subtle.action
        }
        try await ImageTaskFlow.run(client, image) { client, options in try await client.submit(action, on: imageID, options: options) }
    }
}

/// `journeyman zoom`.
struct ZoomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoom",
        abstract: "Zoom out of an upscaled image: a grid of wider scenes around it.",
        discussion: """
            Examples:
              journeyman zoom 1259525319472185351 2x --wait
              journeyman zoom 1259525319472185351 1.5x --output wider.png

            \(environmentNote)
            """
    )

    @Argument(help: "The image_id of an upscaled image.")
    var imageID: String

    @Argument(help: "2x or 1.5x.")
    var factor: String

    @OptionGroup var image: ImageTaskOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let spelled = factor.lowercased().hasSuffix("x") ? factor.lowercased() : factor.lowercased() + "x"
        guard let zoom = ZoomOut(rawValue: spelled) else { throw ValidationError("zoom takes 2x or 1.5x, not '\(factor)'") }
        try await ImageTaskFlow.run(client, image) { client, options in try await client.submit(zoom.action, on: imageID, options: options)
        }
    }
}

/// `journeyman pan`.
struct PanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pan",
        abstract: "Extend an upscaled image to one side: a grid of wider (or taller) scenes.",
        discussion: """
            Examples:
              journeyman pan 1259525319472185351 left --wait
              journeyman pan 1259525319472185351 up --output taller.png

            \(environmentNote)
            """
    )

    @Argument(help: "The image_id of an upscaled image.")
    var imageID: String

    @Argument(help: "left, right, up or down.")
    var direction: String

    @OptionGroup var image: ImageTaskOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        guard let pan = PanDirection(rawValue: direction.lowercased()) else {
            throw ValidationError("pan takes left, right, up or down, not '\(direction)'")
        }
        try await ImageTaskFlow.run(client, image) { client, options in try await client.submit(pan.action, on: imageID, options: options) }
    }
}

/// `journeyman reroll`.
struct RerollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reroll",
        abstract: "A new grid from the same prompt as a grid.",
        discussion: """
            Example:
              journeyman reroll 1259525319472185344 --wait

            \(environmentNote)
            """
    )

    @Argument(help: "The image_id of a grid.")
    var imageID: String

    @OptionGroup var image: ImageTaskOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await ImageTaskFlow.run(client, image) { client, options in try await client.submit(.reroll, on: imageID, options: options) }
    }
}

/// `journeyman describe`.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Four prompts that describe an image: at a URL, or in a local PNG or JPEG file.",
        discussion: """
            The server fetches the image itself (Describe takes only an http or https URL). A local file is therefore \
            served for the duration of the call from a short-lived listener on this machine (--host, 127.0.0.1 by \
            default, at a port the system picks): the server must be able to reach this machine at that address. A \
            Journeyman server on the same machine reaches 127.0.0.1 only when started with --allow-private-network.

            Examples:
              journeyman describe https://example.com/lighthouse.png
              journeyman describe ./photo.jpg
              journeyman describe ./photo.png --host 192.168.1.20 --json

            \(environmentNote)
            """
    )

    @Argument(help: "An http(s) URL, or the path of a local PNG or JPEG file.")
    var image: String

    @Option(help: "Address to serve a local file on, as the server reaches this machine.")
    var host: String = "127.0.0.1"

    @OptionGroup var format: JSONOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let client = try client.client()
        let lowered = image.lowercased()
        let isURL = lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
        if !isURL && !FileManager.default.fileExists(atPath: image) {
            throw ValidationError("'\(image)' is neither an http(s) URL nor a file")
        }
        try await ClientRun.run(client) {
            let answer =
                isURL
                ? try await client.describe(imageURL: image)
                : try await client.describe(fileAt: URL(fileURLWithPath: image), host: host)
            try await ImageTaskFlow.show(answer.task, client: client, json: format.json, output: nil)
        }
    }
}

/// `journeyman edit`.
struct EditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Repaint an image at a URL after a prompt: where a mask is white, or all of it; a grid of four edits.",
        discussion: """
            The server fetches the image itself (http or https; PNG or JPEG). --mask names a local PNG file: white is \
            repainted, black is kept; it is scaled to the image. Without --mask the whole image is repainted, keeping \
            its layout. The result is a grid: follow it up with upscale and vary like any grid.

            Examples:
              journeyman edit https://example.com/room.png "a green velvet sofa" --mask sofa-mask.png --wait
              journeyman edit https://example.com/street.png "snow falling, winter evening" --output snowy.png
              journeyman edit https://example.com/cat.png "a cat in a space suit" --split --json

            \(environmentNote)
            """
    )

    @Argument(help: "The image's http(s) URL.")
    var imageURL: String

    @Argument(help: "What to paint (quote it).")
    var prompt: String

    @Option(help: "A local PNG file: white is repainted, black is kept.")
    var mask: String?

    @OptionGroup var image: ImageTaskOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let lowered = imageURL.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            throw ValidationError("'\(imageURL)' is not an http(s) URL")
        }
        var encodedMask: String?
        if let mask {
            guard let data = FileManager.default.contents(atPath: mask) else {
                throw ValidationError("cannot read the mask file '\(mask)'")
            }
            guard data.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { throw ValidationError("the mask '\(mask)' is not a PNG file") }
            encodedMask = data.base64EncodedString()
        }
        let chosenMask = encodedMask
        try await ImageTaskFlow.run(client, image) { client, options in
            var options = options
            options.mask = chosenMask
            return try await client.submitEdit(imageURL: imageURL, prompt: prompt, options: options)
        }
    }
}

/// `journeyman video`.
struct VideoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video",
        abstract: "Four short videos from an image at a URL (--image), or going on from one video of an earlier result (--extend).",
        discussion: """
            The server fetches the first frame itself (http or https; PNG or JPEG). The answer has a video_id: pass it \
            to --extend with --index (0–3) to go on from the end of that video. With --output NAME the four videos are \
            saved as NAME-0.mp4 … NAME-3.mp4.

            Examples:
              journeyman video "waves rolling in, gulls overhead" --image https://example.com/coast.png --wait
              journeyman video "the tide goes out" --extend 1259525319472185344 --index 2 --output tide
              journeyman video "clouds drifting" --image https://example.com/sky.png --resolution 480p --loop --json

            \(environmentNote)
            """
    )

    @Argument(help: "What should happen in the video (quote it).")
    var prompt: String

    @Option(help: "The first frame's http(s) URL (to make new videos).")
    var image: String?

    @Option(help: "The video_id of an earlier result to go on from.")
    var extend: String?

    @Option(help: "Which of its four videos to go on from: 0, 1, 2 or 3.")
    var index = 0

    @Option(help: "480p or 720p (the server's default is 720p).")
    var resolution: String?

    @Option(help: "fast or turbo (the server's default is fast).")
    var mode: String?

    @Flag(help: "End each video where it began.")
    var loop = false

    @Flag(help: "Wait for the task: a live progress bar on a terminal (a line per change otherwise), then the result.")
    var wait = false

    @Option(name: .shortAndLong, help: "Save the four videos as NAME-0.mp4 … NAME-3.mp4 once they are done (implies --wait).")
    var output: String?

    @OptionGroup var format: JSONOption
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard (image == nil) != (extend == nil) else { throw ValidationError("video takes one of --image URL or --extend VIDEO_ID") }
        if let image {
            let lowered = image.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
                throw ValidationError("'\(image)' is not an http(s) URL")
            }
        }
        guard (0...3).contains(index) else { throw ValidationError("--index is 0, 1, 2 or 3, not \(index)") }
        if let resolution, !["480p", "720p"].contains(resolution) {
            throw ValidationError("--resolution takes 480p or 720p, not '\(resolution)'")
        }
        if let mode, !["fast", "turbo"].contains(mode) { throw ValidationError("--mode takes fast or turbo, not '\(mode)'") }
    }

    func run() async throws {
        let client = try client.client()
        let options = VideoOptions(mode: mode, resolution: resolution, loop: loop)
        try await ClientRun.run(client) {
            let submitted =
                if let extend {
                    try await client.submitExtendVideo(extend, index: index, prompt: prompt, options: options)
                } else {
                    try await client.submitVideo(imageURL: image ?? "", prompt: prompt, options: options)
                }
            guard wait || output != nil else {
                if format.json {
                    print(submitted.json)
                } else {
                    print("task_id: \(submitted.taskID)")
                    print("Follow it with: journeyman wait \(submitted.taskID)")
                }
                return
            }
            let finished = try await ImageTaskFlow.follow(client, submitted.taskID, json: format.json)
            try await ImageTaskFlow.show(finished, client: client, json: format.json, output: output)
        }
    }
}

/// `journeyman seed`.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "The seed an image was made with (use it with --seed to make it again).",
        discussion: """
            Example:
              journeyman seed 1259525319472185344

            \(environmentNote)
            """
    )

    @Argument(help: "The image_id of a finished image.")
    var imageID: String

    @OptionGroup var format: JSONOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let client = try client.client()
        try await ClientRun.run(client) {
            let seed = try await client.seed(imageID: imageID)
            print(format.json ? jsonText(["seed": .string(seed)]) : seed)
        }
    }
}

/// `journeyman shorten`.
struct ShortenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shorten",
        abstract: "Shorter versions of a prompt.",
        discussion: """
            Example:
              journeyman shorten "a very detailed oil painting of an old lighthouse on a cliff at dusk"

            \(environmentNote)
            """
    )

    @Argument(help: "The prompt (quote it).")
    var prompt: String

    @OptionGroup var format: JSONOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let client = try client.client()
        try await ClientRun.run(client) {
            let prompts = try await client.shorten(prompt)
            if format.json {
                print(jsonText(["prompts": .array(prompts.map { .string($0) })]))
            } else {
                for prompt in prompts { print(prompt) }
            }
        }
    }
}

/// `journeyman task`.
struct ShowTaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "One task: its state and progress, and its result once finished.",
        discussion: """
            Examples:
              journeyman task 7489df4c-ef03-4de0-b598-e9a590793434
              journeyman task 7489df4c-ef03-4de0-b598-e9a590793434 --json

            \(environmentNote)
            """
    )

    @Argument(help: "The task_id.")
    var taskID: String

    @OptionGroup var format: JSONOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let client = try client.client()
        try await ClientRun.run(client) {
            let task = try await client.task(taskID)
            if format.json {
                print(task.json)
                return
            }
            print("task_id:   \(task.id)")
            if let type = task.type { print("type:      \(type)") }
            print("state:     \(task.state.rawValue)\(task.hold && !task.isFinished ? " (waiting for capacity)" : "")")
            print("progress:  \(task.progress)%")
            if let prompt = task.prompt { print("prompt:    \(prompt)") }
            if let duration = task.duration { print("duration:  \(String(format: "%.1f", duration)) s") }
            if let failure = task.failure {
                print("error:     \(failure.code): \(failure.message)")
            } else if let descriptions = task.descriptions {
                for (index, description) in descriptions.enumerated() { print("\(index + 1). \(description)") }
            } else if task.state == .succeeded, let image = try? ImageResult(task, client: client) {
                ImageTaskFlow.printImage(image)
            } else if let imageID = task.imageID {
                print("image_id:  \(imageID)")
            }
        }
    }
}

/// `journeyman tasks`.
struct ListTasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "The application's tasks, newest first.",
        discussion: """
            Examples:
              journeyman tasks
              journeyman tasks --limit 50 --offset 50
              journeyman tasks --json | jq '.items[].id'

            \(environmentNote)
            """
    )

    @Option(help: "How many tasks, 1 to 100.")
    var limit: Int = 12

    @Option(help: "How many of the newest to skip.")
    var offset: Int = 0

    @OptionGroup var format: JSONOption
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard (1...100).contains(limit) else { throw ValidationError("--limit must be between 1 and 100") }
        guard offset >= 0 else { throw ValidationError("--offset must be 0 or more") }
    }

    func run() async throws {
        let client = try client.client()
        try await ClientRun.run(client) {
            let page = try await client.tasks(offset: offset, limit: limit)
            if format.json {
                print(page.json)
                return
            }
            if page.items.isEmpty {
                print(offset == 0 ? "no tasks yet: `journeyman imagine \"a prompt\"` makes one" : "no tasks at offset \(offset)")
                return
            }
            let table = TextTable(columns: [("TASK", 38), ("TYPE", 10), ("STATE", 11), ("PROGRESS", 10), ("CREATED", 22), ("PROMPT", 0)])
            print(table.header)
            let formatter = ISO8601DateFormatter()
            for task in page.items {
                let created = task.createdAt.map { formatter.string(from: Date(timeIntervalSince1970: $0)) } ?? ""
                let prompt = task.prompt ?? task.request.lenientImageURL ?? task.request["action"]?.stringValue ?? ""
                print(table.row([task.id, task.type ?? "", task.state.rawValue, "\(task.progress)%", created, prompt]))
            }
        }
    }
}

/// `journeyman cancel`.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a pending or running task (a Journeyman extension: the public service has none).",
        discussion: """
            Example:
              journeyman cancel 7489df4c-ef03-4de0-b598-e9a590793434

            \(environmentNote)
            """
    )

    @Argument(help: "The task_id.")
    var taskID: String

    @OptionGroup var format: JSONOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let client = try client.client()
        try await ClientRun.run(client) {
            let task = try await client.cancel(taskID)
            print(format.json ? task.json : "\(task.id): \(task.state.rawValue)")
        }
    }
}

/// `journeyman wait`.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Follow a task until it finishes, then print its result.",
        discussion: """
            It shows a live progress bar on a terminal (a line per change otherwise) and exits 1 when the task fails.

            Examples:
              journeyman wait 7489df4c-ef03-4de0-b598-e9a590793434
              journeyman wait 7489df4c-ef03-4de0-b598-e9a590793434 --output grid.png

            \(environmentNote)
            """
    )

    @Argument(help: "The task_id.")
    var taskID: String

    @Option(name: .shortAndLong, help: "Save the full-size image to this file.")
    var output: String?

    @OptionGroup var format: JSONOption
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let client = try client.client()
        try await ClientRun.run(client) {
            let finished = try await ImageTaskFlow.follow(client, taskID, json: format.json)
            try await ImageTaskFlow.show(finished, client: client, json: format.json, output: output)
        }
    }
}

extension JSONObject {
    /// A describe request's image URL.
    fileprivate var lenientImageURL: String? { self["image_url"]?.stringValue }
}
