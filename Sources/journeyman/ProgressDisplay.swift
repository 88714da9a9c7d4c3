import Foundation
import JourneymanClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows a task's progress on standard error: a bar redrawn in place on a terminal, a plain line per change elsewhere
/// (a log, a pipe, CI), so the output reads well both ways.
struct ProgressDisplay {
    /// Whether the bar is redrawn in place.
    let isTerminal: Bool
    private let started = ContinuousClock.now
    private var drawn = false

    /// A display for standard error; `isTerminal` defaults to whether standard error is one.
    init(isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.isTerminal = isTerminal
    }

    /// Shows one update.
    mutating func show(_ task: TaskSnapshot) {
        let state = task.hold && !task.isFinished ? "\(task.state.rawValue), waiting for capacity" : task.state.rawValue
        if isTerminal {
            let width = 30
            let filled = task.progress * width / 100
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let seconds = Double((ContinuousClock.now - started).components.seconds)
            let percent = String(task.progress).leftPadded(to: 3)
            write("\r\u{1B}[2K\(bar) \(percent)%  \(state)  \(Int(seconds))s")
            drawn = true
        } else {
            write("progress: \(task.progress)% \(state)\n")
        }
    }

    /// Ends the bar's line, so what follows starts on a line of its own.
    mutating func finish() {
        if drawn { write("\n") }
        drawn = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
