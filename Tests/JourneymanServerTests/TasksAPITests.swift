import Foundation
import JourneymanServer
import MidjourneyAPI
import Testing

@Suite("Tasks API", .timeLimit(.minutes(10)))
struct TasksAPITests {
    @Test func aFinishedRecordHasEverySeedFieldWithTheSeedsTypes() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let record = try await api.imagine(#"{"prompt":"A cat sitting on a table --ar 4:1"}"#)
            let seedKeys: Set = [
                "_id", "id", "application_id", "created_at", "credential_id", "request", "type", "hold", "image_id",
                "job_id", "response", "duration", "finished_at",
            ]
            #expect(Set(record.keys) == seedKeys.union(["trace_id", "started_at", "state", "progress"]))
            for key in ["_id", "id", "application_id", "credential_id", "trace_id", "type", "image_id", "job_id", "state"] {
                #expect(record[key]?.stringValue != nil, "\(key) is a string")
            }
            for key in ["created_at", "started_at", "finished_at", "duration"] {
                #expect(record[key]?.doubleValue != nil, "\(key) is a number")
            }
            #expect(record["hold"] == .bool(false))
            #expect(record["progress"] == .int(100))
            #expect(record.string("type") == "imagine")
            #expect(record.string("_id")?.count == 24)
            #expect(record.string("image_id")?.count == 19)
            #expect(record.string("application_id") == server.applicationID)
            #expect(
                record["request"]
                    == .object(["prompt": "A cat sitting on a table --ar 4:1", "async": true, "action": "generate", "mode": "fast"]))

            let response = record.response()
            let responseKeys: Set = [
                "image_url", "image_width", "image_height", "actions", "raw_image_url", "raw_image_width", "raw_image_height",
                "progress", "image_id", "task_id", "success", "job_id", "hold", "trace_id",
            ]
            #expect(Set(response.keys) == responseKeys)
            #expect(response["success"] == .bool(true))
            #expect(response.string("task_id") == record.string("id"))
            #expect(response.string("image_id") == record.string("image_id"))
            #expect(response.string("job_id") == record.string("job_id"))
            #expect(response.int("raw_image_width") == 2048)
            #expect(response.int("raw_image_height") == 512)
            #expect(response.int("image_width") == 1024)
            #expect(
                response.string("image_url")
                    == "\(TestServer.publicURL)/midjourney/images/\(record.string("id")!).png?imageMogr2/thumbnail/!50p")
            let duration = try #require(record["duration"]?.doubleValue)
            let finishedAt = try #require(record["finished_at"]?.doubleValue)
            let createdAt = try #require(record["created_at"]?.doubleValue)
            #expect(abs(duration - (finishedAt - createdAt)) < 0.002)
        }
    }

    @Test func aPendingRecordHasNoResponseAndNoImageURL() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let id = try await api.submit(#"{"prompt":"a quiet harbour"}"#)
            let record = try await api.retrieve(id)
            #expect(record.string("state") == "pending")
            #expect(record["hold"] == .bool(true))
            #expect(record["response"] == nil)
            #expect(record["finished_at"] == nil)
            #expect(record["duration"] == nil)
            #expect(record.string("image_id")?.count == 19)
            #expect(record.string("job_id") != nil)
            #expect(!String(decoding: JSONValue.object(record).encoded(), as: UTF8.self).contains("/midjourney/images/"))
        }
    }

    @Test func retrievingByTraceIDFindsTheTaskTheRequestCreated() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let reply = try await api.post("/midjourney/imagine", #"{"prompt":"trace me","async":true}"#)
            let traceID = try #require(reply.object.string("trace_id"))
            #expect(reply.headers[.init("x-trace-id")!] == traceID)
            let record = try await api.post("/midjourney/tasks", #"{"action":"retrieve","trace_id":"\#(traceID)"}"#).object
            #expect(record.string("id") == reply.object.string("task_id"))
            #expect(record.string("trace_id") == traceID)
        }
    }

    @Test func batchAnswersInTheOrderAskedAndLeavesUnknownIDsOut() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let first = try await api.submit(#"{"prompt":"one"}"#)
            let second = try await api.submit(#"{"prompt":"two"}"#)
            let unknown = UUID().uuidString.lowercased()
            let reply = try await api.post(
                "/midjourney/tasks", #"{"action":"retrieve_batch","id":"","ids":["\#(second)","\#(unknown)","\#(first)"]}"#
            )
            #expect(reply.status == .ok)
            let items =
                reply.object["items"].flatMap { value -> [JSONValue]? in
                    if case .array(let items) = value { return items } else { return nil }
                } ?? []
            #expect(items.compactMap { $0.objectValue?.string("id") } == [second, first])
            #expect(reply.object.int("count") == 2)
        }
    }

    @Test func listingPagesTheApplicationsTasksNewestFirst() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await api.submit(#"{"prompt":"task \#(index)"}"#)) }
            let other = try await server.otherToken()
            _ = try await api.submit(#"{"prompt":"not mine"}"#, token: other)
            let page = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch","offset":1,"limit":2}"#).object
            let listed = page["items"].flatMap { value -> [String]? in
                if case .array(let items) = value { return items.compactMap { $0.objectValue?.string("id") } } else { return nil }
            }
            #expect(listed == [ids[3], ids[2]])
            let everything = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#).object
            #expect(everything.int("count") == 5)
        }
    }

    @Test func unknownAndForeignTasksAnswerAnEmptyObject() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let mine = try await api.submit(#"{"prompt":"mine"}"#)
            let other = try await server.otherToken()
            let foreign = try await api.post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(mine)"}"#, token: other)
            #expect(foreign.status == .ok)
            #expect(String(buffer: foreign.body) == "{}")
            let unknown = try await api.post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(UUID().uuidString)"}"#)
            #expect(unknown.status == .ok)
            #expect(String(buffer: unknown.body) == "{}")
            let batch = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch","ids":["\#(mine)"]}"#, token: other)
            #expect(batch.object.int("count") == 0)
        }
    }

    @Test func cancellingAPendingTaskEndsItAndRefundsItsCredits() async throws {
        let server = try await TestServer.make(workers: 0, credits: 2)
        try await server.test { api in
            let id = try await api.submit(#"{"prompt":"never mind"}"#)
            let refused = try await api.post("/midjourney/imagine", #"{"prompt":"no credits left","async":true}"#)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "used_up")
            let cancelled = try await api.post("/midjourney/tasks", #"{"action":"cancel","id":"\#(id)"}"#)
            #expect(cancelled.object.string("state") == "cancelled")
            #expect(cancelled.object.response()["error"]?.objectValue?.string("code") == "cancelled")
            let again = try await api.post("/midjourney/tasks", #"{"action":"cancel","id":"\#(id)"}"#)
            #expect(again.status == .badRequest)
            _ = try await api.submit(#"{"prompt":"the refund pays for this"}"#)
        }
    }
}
