import Foundation
import JourneymanCore
import JourneymanServer
import MidjourneyAPI
import Synchronization
import Testing

/// A moment one task notes for others to read.
final class Moment: Sendable {
    private let instant = Mutex<ContinuousClock.Instant?>(nil)

    /// The moment, once noted.
    var value: ContinuousClock.Instant? { instant.withLock { $0 } }

    /// Notes the moment.
    func set(_ moment: ContinuousClock.Instant) { instant.withLock { $0 = moment } }
}

/// What the fast retrieve must keep: revocation reaches every instance within a second, nothing unfinished is
/// served stale, and batches answer as single retrieves do.
@Suite("Hot path", .timeLimit(.minutes(10)))
struct HotPathTests {
    /// One answer of the hammering: when its request started, on which instance, and its status.
    struct Answer: Sendable {
        let startedAt: ContinuousClock.Instant
        let instance: Int
        let status: Int
        let errorCode: String?
    }

    @Test("A token revoked while two instances are hammered with it is refused by both within a second")
    func aRevokedTokenIsRefusedByEveryInstanceWithinASecond() async throws {
        let first = try await TestServer.make(workers: 0)
        // A second instance over the same store (SQLite: the same file through its own pool, as another process;
        // PostgreSQL: the same schema).
        let second = try await TestServer.make(workers: 0, dataDirectory: first.dataDirectory, createsApplication: false)
        let credential = try #require(try await first.server.store.credentials().first)
        let id = try await first.test { (api: APIClient) in try await api.submit(#"{"prompt":"a revoked lighthouse"}"#) }
        let body = #"{"action":"retrieve","id":"\#(id)"}"#
        let revokedAt = Moment()
        let answers = try await first.testLive { (one: APIClient) in
            try await second.testLive { (two: APIClient) in
                let ports = [one.client.port!, two.client.port!]
                let (warmed, warming) = AsyncStream<Void>.makeStream()
                return try await withThrowingTaskGroup(of: [Answer].self) { group in
                    for client in 0..<8 {
                        group.addTask {
                            let instance = client % 2
                            var mine: [Answer] = []
                            // A client that ends early (an error, or no revocation within 120 s) still counts as
                            // ready, so the revocation below happens and the test fails on its expectations instead
                            // of waiting. After the revocation every client goes on for 2.5 s, however slow the
                            // warm-up was, so each instance is asked more than a second after it.
                            defer { if mine.count < 20 { warming.yield() } }
                            let giveUpUnrevoked = ContinuousClock.now + .seconds(120)
                            while true {
                                if let revoked = revokedAt.value {
                                    if ContinuousClock.now > revoked + .milliseconds(2500) { break }
                                } else if ContinuousClock.now > giveUpUnrevoked {
                                    break
                                }
                                let startedAt = ContinuousClock.now
                                let reply = try await livePost(
                                    port: ports[instance], path: "/midjourney/tasks", token: first.token, body: body)
                                mine.append(
                                    Answer(
                                        startedAt: startedAt, instance: instance, status: Int(reply.status.code), errorCode: reply.errorCode
                                    ))
                                if mine.count == 20 { warming.yield() }
                            }
                            return mine
                        }
                    }
                    // Revoke once every client has been answered 20 times: both instances hold the token as verified.
                    var ready = 0
                    for await _ in warmed {
                        ready += 1
                        if ready == 8 { break }
                    }
                    #expect(try await second.server.store.revokeCredential(id: credential.id))
                    revokedAt.set(ContinuousClock.now)
                    return try await group.reduce(into: []) { $0 += $1 }
                }
            }
        }
        let revoked = try #require(revokedAt.value)
        let late = answers.filter { $0.startedAt > revoked + .seconds(1) }
        for instance in 0..<2 {
            #expect(answers.contains { $0.instance == instance && $0.startedAt < revoked && $0.status == 200 })
            #expect(late.contains { $0.instance == instance }, "instance \(instance) was not asked a second after the revocation")
        }
        let accepted = late.filter { $0.status != 401 || $0.errorCode != "invalid_token" }
        #expect(accepted.isEmpty, "\(accepted.count) requests begun over a second after the revocation were not refused")
    }

    @Test("A pending task's record follows its state while a finished one is answered byte for byte")
    func aRecordFollowsItsTaskUntilItFinishes() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { (api: APIClient) in
            let id = try await api.submit(#"{"prompt":"a harbour at noon"}"#)
            let pending = try await api.retrieve(id)
            #expect(pending.string("state") == "pending")
            #expect(pending["hold"]?.boolValue == true)
            // Cancelled from another connection to the store: the next retrieve must see it.
            let task = try #require(try await server.server.store.task(id: id))
            let outcome = TaskOutcome(state: .cancelled, result: .failed(.cancelled, "gone"), finishedAt: task.createdAt + 1)
            #expect(try await server.server.store.finishTask(id: id, owner: nil, outcome: outcome))
            let first = try await api.post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(id)"}"#).bytes
            let finished = try JSONValue.parse(first).objectValue ?? JSONObject()
            #expect(finished.string("state") == "cancelled")
            #expect(finished["hold"]?.boolValue == false)
            #expect(try await api.post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(id)"}"#).bytes == first)
            // Another application never sees it, cached or not.
            let intruder = try await server.otherToken()
            #expect(
                try await api.post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(id)"}"#, token: intruder).bytes == Array("{}".utf8))
            let batch = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch","ids":["\#(id)"]}"#, token: intruder)
            #expect(batch.object["count"] == .int(0))
        }
    }

    @Test("A batch answers each task's record as a single retrieve does, in the order asked, repeats included")
    func aBatchAnswersTheSingleRecords() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { (api: APIClient) in
            var ids: [String] = []
            for index in 0..<3 { ids.append(try await api.submit(#"{"prompt":"a batch \#(index)"}"#)) }
            // One finished (and so cached), the others pending.
            let task = try #require(try await server.server.store.task(id: ids[1]))
            let outcome = TaskOutcome(state: .cancelled, result: .failed(.cancelled, "gone"), finishedAt: task.createdAt + 1)
            #expect(try await server.server.store.finishTask(id: ids[1], owner: nil, outcome: outcome))
            var singles: [String: [UInt8]] = [:]
            for id in ids { singles[id] = try await api.post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(id)"}"#).bytes }
            let asked = [ids[2], ids[1], "unknown", ids[0], ids[1]]
            let list = asked.map { "\"\($0)\"" }.joined(separator: ",")
            let batch = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch","ids":[\#(list)]}"#).bytes
            let expected =
                "{\"items\":["
                + [ids[2], ids[1], ids[0], ids[1]].map { String(decoding: singles[$0]!, as: UTF8.self) }.joined(separator: ",")
                + "],\"count\":4}"
            #expect(String(decoding: batch, as: UTF8.self) == expected)
        }
    }
}

@Suite("Process memory")
struct ProcessMemoryTests {
    #if canImport(Glibc)
        /// Whether glibc gave the block at `pointer` a mapping of its own: the IS_MMAPPED bit of the size word that
        /// precedes every block it hands out.
        static func isMapped(_ pointer: UnsafeMutableRawPointer) -> Bool {
            (pointer.load(fromByteOffset: -MemoryLayout<Int>.size, as: Int.self) & 0x2) != 0
        }

        @Test("Once serve has set it up, a render-sized block is mapped on its own and a small one comes from the heap")
        func largeBlocksAreMappedOnTheirOwn() throws {
            #expect(ProcessMemory.returnLargeBlocksToTheSystem(threshold: 4 << 20))
            // Freed mapped blocks no longer raise the threshold: the second large block is mapped too.
            for _ in 0..<2 {
                let large = try #require(malloc(16 << 20))
                #expect(Self.isMapped(large), "a 16 MB block, a 2048×2048 picture's pixels")
                free(large)
            }
            let small = try #require(malloc(1 << 20))
            #expect(!Self.isMapped(small), "a 1 MB block stays on the heap")
            free(small)
        }

        /// How many of `pages` are resident (`mincore`): exact for this test's own blocks, whatever other tests allocate.
        static func residentPages(_ pages: [UnsafeMutableRawPointer]) -> Int {
            var vector: UInt8 = 0
            return pages.filter { mincore($0, 1, &vector) == 0 && vector & 1 == 1 }.count
        }

        @Test("Releasing free memory gives back the free blocks inside a heap that cannot shrink from its top")
        func releasingFreeMemoryGivesBackAFragmentedHeapsFreeBlocks() throws {
            // 1,024 blocks of 64 KB (under the mapping threshold); every other one is freed while its neighbours stay,
            // so the holes can neither merge nor sit at the heap's top, and only a trim gives their pages back. Each
            // hole's middle page is watched.
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            var blocks: [UnsafeMutableRawPointer] = []
            for _ in 0..<1024 {
                let block = try #require(malloc(64 << 10))
                memset(block, 1, 64 << 10)
                blocks.append(block)
            }
            let freed = stride(from: 0, to: blocks.count, by: 2).map { blocks[$0] }
            let kept = stride(from: 1, to: blocks.count, by: 2).map { blocks[$0] }
            let middles = freed.map { UnsafeMutableRawPointer(bitPattern: (Int(bitPattern: $0) + (32 << 10)) / pageSize * pageSize)! }
            for block in freed { free(block) }
            let before = Self.residentPages(middles)
            ProcessMemory.releaseFreeMemory()
            let after = Self.residentPages(middles)
            for block in kept { free(block) }
            #expect(before > 500, "freed blocks stay resident until trimmed: \(before) of 512")
            // Another test's thread may take some of the holes again at once: most stay given back.
            #expect(after < before / 2, "\(before - after) of \(before) pages given back")
        }
    #endif
}
