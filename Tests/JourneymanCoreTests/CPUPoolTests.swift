import Foundation
import JourneymanCore
import Synchronization
import Testing

@Suite("The CPU pool", .timeLimit(.minutes(2)))
struct CPUPoolTests {
    @Test func aBoundedPoolRunsNoMoreWorkAtOnceThanItHasThreads() async throws {
        let pool = CPUPool.bounded(threads: 2)
        let concurrency = Concurrency()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.run {
                        concurrency.enter()
                        usleep(20_000)
                        concurrency.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(concurrency.most <= 2)
        #expect(concurrency.entered == 8)
        #expect(pool.threadCount == 2)
        await pool.shutdown()
    }

    @Test("The idle hook runs each time the last piece of work in progress ends, never while one is running")
    func theIdleHookRunsWhenTheLastWorkEnds() async throws {
        let concurrency = Concurrency()
        let idle = Mutex<[Int]>([])
        // The hook notes how many pieces of work were running when it was called: always none.
        let pool = CPUPool.bounded(threads: 2, whenIdle: { idle.withLock { $0.append(concurrency.inside) } })
        // Two pieces of work that overlap for certain (the first waits until the second has run), then one alone.
        let secondRan = DispatchSemaphore(value: 0)
        async let first: Void = pool.run {
            concurrency.enter()
            secondRan.wait()
            concurrency.leave()
        }
        while concurrency.entered == 0 { try await Task.sleep(for: .milliseconds(1)) }
        try await pool.run {
            concurrency.enter()
            concurrency.leave()
            secondRan.signal()
        }
        try await first
        #expect(idle.withLock { $0 } == [0], "one idle moment after the overlapping two")
        try await pool.run {}
        #expect(idle.withLock { $0 } == [0, 0], "and one after the third")
        await pool.shutdown()
    }

    @Test func workRunsOnThePoolsOwnThreadsNotTheCallers() async throws {
        let pool = CPUPool.bounded(threads: 1)
        let caller = pthread_self()
        let worker = try await pool.run { pthread_self() }
        #expect(pthread_equal(caller, worker) == 0)
        // One thread: every piece of work runs on the same one.
        #expect(pthread_equal(try await pool.run { pthread_self() }, worker) != 0)
        await pool.shutdown()
    }

    @Test func performRunsEveryIterationOnceAndSharesThemWithAFreeThread() async throws {
        let pool = CPUPool.bounded(threads: 2)
        let runs = Runs()
        let helped = try await pool.run {
            let others = DispatchSemaphore(value: 0)
            pool.perform(iterations: 8) { index in
                runs.record(index)
                if index != 0 { others.signal() }
                // The first iteration taken waits for another to run beside it: only a second thread can run one then.
                if index == 0 { _ = others.wait(timeout: .now() + 60) }
            }
            return runs.threads
        }
        #expect(runs.indices == Array(0..<8), "every iteration ran once")
        #expect(helped == 2)
        await pool.shutdown()
    }

    @Test func everyThreadOfAPoolCanPerformAtOnceWithoutWaitingForAnother() async throws {
        let pool = CPUPool.bounded(threads: 2)
        let total = Concurrency()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await pool.run {
                        pool.perform(iterations: 6) { _ in
                            total.enter()
                            usleep(2_000)
                            total.leave()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(total.entered == 24)
        await pool.shutdown()
    }

    @Test func aPoolShutDownRefusesNewWorkWithAnError() async throws {
        let pool = CPUPool.bounded(threads: 1)
        #expect(try await pool.run { 41 + 1 } == 42)
        await pool.shutdown()
        await pool.shutdown()
        await #expect(throws: CancellationError.self) { try await pool.run { 1 } }
    }
}

/// How many pieces of work run at once, and the most that ever did.
private final class Concurrency: Sendable {
    private let state = Mutex<(now: Int, most: Int, entered: Int)>((0, 0, 0))

    func enter() {
        state.withLock { state in
            state.now += 1
            state.entered += 1
            state.most = max(state.most, state.now)
        }
    }

    func leave() { state.withLock { $0.now -= 1 } }
    var inside: Int { state.withLock { $0.now } }
    var most: Int { state.withLock { $0.most } }
    var entered: Int { state.withLock { $0.entered } }
}

/// Which iterations ran, each time, and on how many threads.
private final class Runs: Sendable {
    private let state = Mutex<(indices: [Int], threads: [UInt])>(([], []))

    func record(_ index: Int) {
        let thread = UInt(pthread_self())
        state.withLock { state in
            state.indices.append(index)
            if !state.threads.contains(thread) { state.threads.append(thread) }
        }
    }

    var indices: [Int] { state.withLock { $0.indices.sorted() } }
    var threads: Int { state.withLock { $0.threads.count } }
}
