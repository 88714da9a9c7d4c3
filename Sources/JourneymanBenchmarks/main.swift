import Dispatch
import Foundation
import JourneymanCore
import JourneymanEngine
import JourneymanImaging

// Times the local engine: grid render and PNG encode, a 16:9 grid, upscale_4x, and describing
// a 12-megapixel JPEG (decode fitted within 1024 px, then analysis). Prints medians.

let usage = """
    Usage: JourneymanBenchmarks [--repetitions N] [--help]

    Times the local engine (build with -c release for meaningful numbers):
      generate 1:1     render a 2048×2048 grid, then PNG-encode it (timed separately)
      generate 16:9    render a 2048×1152 grid
      upscale_4x       4× upscale of a 1024×1024 tile
      describe 12 MP   JPEG.decode of a 4000×3000 JPEG fitted within 1024 px, plus describe
    Each is repeated N times (default 3); the median is printed.
    """

var repetitions = 3
var arguments = Array(CommandLine.arguments.dropFirst())
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--help", "-h":
        print(usage)
        exit(0)
    case "--repetitions", "-n":
        guard let value = arguments.first.flatMap(Int.init), value > 0 else {
            print("--repetitions needs a positive number")
            exit(2)
        }
        repetitions = value
        arguments.removeFirst()
    default:
        print("unknown argument \(argument)\n\n\(usage)")
        exit(2)
    }
}

let engine = LocalEngine()
let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func report(_ name: String, _ values: [Double]) {
    let all = values.map { String(format: "%.3f", $0) }.joined(separator: ", ")
    print(String(format: "%-34@ median %7.3f s   (%@)", name as NSString, median(values), all))
}

func generate(_ aspect: AspectRatio, seed: UInt32) async throws -> RenderedImage {
    let prompt = ParsedPrompt(text: "a lighthouse at dusk above a calm sea, orange and purple", aspect: aspect)
    return try await engine.render(RenderJob(action: .generate, prompt: prompt, seed: seed)) { _ in }
}

print("JourneymanBenchmarks: \(repetitions) repetition(s), \(ProcessInfo.processInfo.activeProcessorCount) core(s)")

var renderTimes: [Double] = []
var encodeTimes: [Double] = []
var lastGrid: RenderedImage?
for run in 1...repetitions {
    print("  generate 1:1, run \(run)/\(repetitions)...")
    var grid: RenderedImage?
    renderTimes.append(seconds(try await clock.measure { grid = try await generate(.square, seed: UInt32(run)) }))
    let image = grid!.image
    var bytes = 0
    encodeTimes.append(seconds(clock.measure { bytes = (try? PNG.encode(image))?.count ?? 0 }))
    print(String(format: "    %d×%d, PNG %.1f MB", image.width, image.height, Double(bytes) / 1_000_000))
    lastGrid = grid
}

var wideTimes: [Double] = []
for run in 1...repetitions {
    print("  generate 16:9, run \(run)/\(repetitions)...")
    wideTimes.append(seconds(try await clock.measure { _ = try await generate(AspectRatio(width: 16, height: 9), seed: UInt32(run)) }))
}

let tile = lastGrid!.image.quadrant(1)
let source = RenderSource(image: tile, prompt: ParsedPrompt(text: "a lighthouse at dusk"), seed: 1, lineage: lastGrid!.lineage)
var upscaleTimes: [Double] = []
for run in 1...repetitions {
    print("  upscale_4x, run \(run)/\(repetitions)...")
    upscaleTimes.append(seconds(try await clock.measure {
        let job = RenderJob(action: .upscale4x, prompt: ParsedPrompt(text: "a lighthouse at dusk"), seed: 1, source: source)
        let result = try await engine.render(job) { _ in }
        precondition(result.image.width == tile.width * 4)
    }))
}

print("  preparing a 4000×3000 JPEG...")
let photo = tile.resized(width: 4000, height: 3000)
let jpeg = try JPEG.encode(photo, quality: 90)
print(String(format: "    JPEG %.1f MB", Double(jpeg.count) / 1_000_000))
var describeTimes: [Double] = []
var descriptions: [String] = []
for run in 1...repetitions {
    print("  describe 12 MP, run \(run)/\(repetitions)...")
    describeTimes.append(seconds(try await clock.measure {
        let decoded = try JPEG.decode(jpeg, fitWithin: 1024)
        descriptions = try await engine.describe(decoded, originalWidth: 4000, originalHeight: 3000)
    }))
}

print("")
print("Results (medians of \(repetitions)):")
report("generate 1:1 render (2048×2048)", renderTimes)
report("generate 1:1 PNG encode", encodeTimes)
report("generate 1:1 render + encode", zip(renderTimes, encodeTimes).map { $0 + $1 })
report("generate 16:9 render (2048×1152)", wideTimes)
report("upscale_4x (1024 → 4096)", upscaleTimes)
report("describe 12 MP JPEG (decode+analyse)", describeTimes)
print("")
print("Sample description: \(descriptions.first ?? "")")
