import Foundation
import JourneymanServer
import MidjourneyAPI
import Testing

/// The top-level keys of a JSON object's bytes, in the order they are written.
func topLevelKeys(_ bytes: [UInt8]) -> [String] {
    var keys: [String] = []
    var depth = 0
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
            var end = index + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
            if depth == 1, end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: ":") {
                keys.append(String(decoding: bytes[(index + 1)..<end], as: UTF8.self))
            }
            index = end + 1
            continue
        }
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
        if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { depth -= 1 }
        index += 1
    }
    return keys
}

@Suite("Record bytes", .timeLimit(.minutes(10)))
struct RecordBytesTests {
    @Test func aFinishedRecordHasTheSeedsKeyOrderAndTheSameBytesAfterARestart() async throws {
        let first = try await TestServer.make()
        let (id, before) = try await first.test { api in
            let id = try #require(try await api.imagine(#"{"prompt":"a quiet harbour --ar 1:1"}"#).string("id"))
            return (id, try await Self.retrieve(api, id))
        }
        #expect(
            topLevelKeys(before) == [
                "_id", "id", "application_id", "created_at", "credential_id", "request", "type", "hold", "image_id", "job_id",
                "response", "duration", "finished_at", "trace_id", "started_at", "state", "progress",
            ])
        // A new process over the same data: the same state must give the same bytes, whatever the hash seed.
        let second = try await TestServer.make(dataDirectory: first.dataDirectory)
        let after = try await second.test { api in try await Self.retrieve(APIClient(client: api.client, token: first.token), id) }
        #expect(after == before)
    }

    static func retrieve(_ api: APIClient, _ id: String) async throws -> [UInt8] {
        try await api.post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(id)"}"#).bytes
    }
}
