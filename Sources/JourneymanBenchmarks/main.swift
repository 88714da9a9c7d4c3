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

/// CPU time of the whole process (all threads), in seconds: the work a single core would do.
func cpuSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Runs `body`, returning wall and CPU seconds.
func measure(_ body: () async throws -> Void) async rethrows -> (wall: Double, cpu: Double) {
    let cpuStart = cpuSeconds()
    let wall = seconds(try await clock.measure { try await body() })
    return (wall, cpuSeconds() - cpuStart)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func report(_ name: String, _ values: [Double], cpu: [Double]? = nil) {
    let all = values.map { String(format: "%.3f", $0) }.joined(separator: ", ")
    let padded = name.padding(toLength: 40, withPad: " ", startingAt: 0)
    var line = padded + String(format: " wall %7.3f s", median(values))
    if let cpu { line += String(format: "   cpu %7.3f s", median(cpu)) }
    print(line + "   (\(all))")
}

func generate(_ aspect: AspectRatio, seed: UInt32) async throws -> RenderedImage {
    let prompt = ParsedPrompt(text: "a lighthouse at dusk above a calm sea, orange and purple", aspect: aspect)
    return try await engine.render(RenderJob(action: .generate, prompt: prompt, seed: seed)) { _ in }
}

print("JourneymanBenchmarks: \(repetitions) repetition(s), \(ProcessInfo.processInfo.activeProcessorCount) core(s)")

var renderTimes: [Double] = []
var renderCPU: [Double] = []
var encodeTimes: [Double] = []
var encodeCPU: [Double] = []
var lastGrid: RenderedImage?
for run in 1...repetitions {
    print("  generate 1:1, run \(run)/\(repetitions)...")
    var grid: RenderedImage?
    let render = try await measure { grid = try await generate(.square, seed: UInt32(run)) }
    renderTimes.append(render.wall)
    renderCPU.append(render.cpu)
    let image = grid!.image
    var bytes = 0
    let encode = await measure { bytes = (try? PNG.encode(image))?.count ?? 0 }
    encodeTimes.append(encode.wall)
    encodeCPU.append(encode.cpu)
    print(String(format: "    %d×%d, PNG %.1f MB", image.width, image.height, Double(bytes) / 1_000_000))
    lastGrid = grid
}

var wideTimes: [Double] = []
var wideCPU: [Double] = []
for run in 1...repetitions {
    print("  generate 16:9, run \(run)/\(repetitions)...")
    let wide = try await measure { _ = try await generate(AspectRatio(width: 16, height: 9), seed: UInt32(run)) }
    wideTimes.append(wide.wall)
    wideCPU.append(wide.cpu)
}

let tile = lastGrid!.image.quadrant(1)
let source = RenderSource(image: tile, prompt: ParsedPrompt(text: "a lighthouse at dusk"), seed: 1, lineage: lastGrid!.lineage)
var upscaleTimes: [Double] = []
var upscaleCPU: [Double] = []
for run in 1...repetitions {
    print("  upscale_4x, run \(run)/\(repetitions)...")
    let cpuStart = cpuSeconds()
    upscaleTimes.append(
        seconds(
            try await clock.measure {
                let job = RenderJob(action: .upscale4x, prompt: ParsedPrompt(text: "a lighthouse at dusk"), seed: 1, source: source)
                let result = try await engine.render(job) { _ in }
                precondition(result.image.width == tile.width * 4)
            }))
    upscaleCPU.append(cpuSeconds() - cpuStart)
}

print("  preparing a 4000×3000 JPEG...")
let photo = tile.resized(width: 4000, height: 3000)
let jpeg = try JPEG.encode(photo, quality: 90)
print(String(format: "    JPEG %.1f MB", Double(jpeg.count) / 1_000_000))
var describeTimes: [Double] = []
var describeCPU: [Double] = []
var descriptions: [String] = []
for run in 1...repetitions {
    print("  describe 12 MP, run \(run)/\(repetitions)...")
    let timing = try await measure {
        let decoded = try JPEG.decode(jpeg, fitWithin: 1024)
        descriptions = try await engine.describe(decoded, originalWidth: 4000, originalHeight: 3000)
    }
    describeTimes.append(timing.wall)
    describeCPU.append(timing.cpu)
}

print("")
print("Results (medians of \(repetitions); cpu = process CPU time, i.e. the work of a single core):")
report("generate 1:1 render (2048x2048)", renderTimes, cpu: renderCPU)
report("generate 1:1 PNG encode", encodeTimes, cpu: encodeCPU)
report("generate 1:1 render + encode", zip(renderTimes, encodeTimes).map { $0 + $1 }, cpu: zip(renderCPU, encodeCPU).map { $0 + $1 })
report("generate 16:9 render (2048x1152)", wideTimes, cpu: wideCPU)
report("upscale_4x (1024 -> 4096)", upscaleTimes, cpu: upscaleCPU)
report("describe 12 MP JPEG (decode+analyse)", describeTimes, cpu: describeCPU)
print("")
print("Sample description: \(descriptions.first ?? "")")
