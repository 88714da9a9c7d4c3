import Foundation
import Synchronization

/// With JOURNEYMAN_TEST_STALL_WATCH=DIR, a thread checks twice a second that the cooperative pool starts a task
/// within 3 s; when it does not, it writes every thread's stack (gdb) to DIR. A diagnostic for stalls under load.
enum StallWatch {
    static let started: Bool = {
        guard let directory = ProcessInfo.processInfo.environment["JOURNEYMAN_TEST_STALL_WATCH"] else { return false }
        let thread = Thread { watch(directory: directory) }
        thread.start()
        return true
    }()

    private static func watch(directory: String) {
        var lastDump = Date.distantPast
        while true {
            Thread.sleep(forTimeInterval: 0.5)
            let ran = Atomic<Bool>(false)
            let begun = Date()
            Task.detached { ran.store(true, ordering: .relaxed) }
            while !ran.load(ordering: .relaxed) && Date().timeIntervalSince(begun) < 3 { Thread.sleep(forTimeInterval: 0.01) }
            if !ran.load(ordering: .relaxed), Date().timeIntervalSince(lastDump) > 20 {
                lastDump = Date()
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
                process.arguments = ["-batch", "-p", "\(getpid())", "-ex", "thread apply all bt 40"]
                let file = "\(directory)/stall-\(Int(Date().timeIntervalSince1970)).txt"
                FileManager.default.createFile(atPath: file, contents: nil)
                process.standardOutput = FileHandle(forWritingAtPath: file)
                process.standardError = FileHandle.nullDevice
                try? process.run()
                process.waitUntilExit()
            }
            while !ran.load(ordering: .relaxed) { Thread.sleep(forTimeInterval: 0.05) }
            let waited = Date().timeIntervalSince(begun)
            if waited > 1 { print("stall-watch: the cooperative pool took \(String(format: "%.1f", waited)) s to start a task") }
        }
    }
}
