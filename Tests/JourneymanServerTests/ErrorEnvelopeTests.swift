import Foundation
import HTTPTypes
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Testing

@Suite("Errors in the envelope", .timeLimit(.minutes(10)))
struct ErrorEnvelopeTests {
    /// Checks the envelope's shape, code and trace id header.
    func expectEnvelope(_ reply: Reply, status: HTTPResponse.Status, code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == status, "status", sourceLocation: sourceLocation)
        #expect(reply.object["success"] == .bool(false), sourceLocation: sourceLocation)
        #expect(reply.errorCode == code, "code of \(String(buffer: reply.body))", sourceLocation: sourceLocation)
        #expect(reply.object["error"]?.objectValue?.string("message")?.isEmpty == false, sourceLocation: sourceLocation)
        let traceID = reply.object.string("trace_id")
        #expect(traceID?.count == 36, sourceLocation: sourceLocation)
        #expect(reply.headers[HTTPField.Name("x-trace-id")!] == traceID, sourceLocation: sourceLocation)
    }

    @Test func badBodiesAre400sThatNameTheField() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            expectEnvelope(try await api.post("/midjourney/imagine", "{not json"), status: .badRequest, code: "bad_request")
            expectEnvelope(try await api.post("/midjourney/imagine", "[1,2]"), status: .badRequest, code: "bad_request")
            let wrongType = try await api.post("/midjourney/imagine", #"{"prompt":42}"#)
            expectEnvelope(wrongType, status: .badRequest, code: "bad_request")
            #expect(wrongType.object["error"]?.objectValue?.string("message")?.contains("prompt") == true)
            let timeout = try await api.post("/midjourney/imagine", #"{"prompt":"x","timeout":0}"#)
            #expect(timeout.object["error"]?.objectValue?.string("message")?.contains("timeout") == true)
            expectEnvelope(try await api.post("/midjourney/imagine", #"{"prompt":"x --ar 9:1"}"#), status: .badRequest, code: "bad_request")
            expectEnvelope(try await api.post("/midjourney/imagine", #"{"action":"generate"}"#), status: .badRequest, code: "bad_request")
            expectEnvelope(try await api.post("/midjourney/imagine", #"{"action":"upscale1"}"#), status: .badRequest, code: "bad_request")
            expectEnvelope(
                try await api.post("/midjourney/imagine", #"{"action":"upscale1","image_id":"1259525319472185344"}"#),
                status: .badRequest, code: "bad_request"
            )
            expectEnvelope(
                try await api.post("/midjourney/describe", #"{"image_url":"ftp://x/y.png"}"#), status: .badRequest, code: "bad_request")
            expectEnvelope(try await api.post("/midjourney/tasks", #"{"action":"retrieve"}"#), status: .badRequest, code: "bad_request")
            expectEnvelope(
                try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch","limit":101}"#), status: .badRequest,
                code: "bad_request")
            expectEnvelope(
                try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch","offset":-1}"#), status: .badRequest,
                code: "bad_request")
            let ids = (0...100).map { "\"\($0)\"" }.joined(separator: ",")
            expectEnvelope(
                try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch","ids":[\#(ids)]}"#), status: .badRequest,
                code: "bad_request")
        }
    }

    @Test func unknownActionsAndUnprovidedEndpointsAreNotImplemented() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            expectEnvelope(
                try await api.post("/midjourney/imagine", #"{"action":"blend","prompt":"x"}"#), status: .badRequest,
                code: "api_not_implemented")
            expectEnvelope(
                try await api.post("/midjourney/tasks", #"{"action":"delete","id":"x"}"#), status: .badRequest, code: "api_not_implemented")
            expectEnvelope(
                try await api.post("/midjourney/videos", #"{"action":"remix","prompt":"x","image_url":"https://example.com/a.png"}"#),
                status: .badRequest, code: "api_not_implemented")
            // The local engine does not translate.
            expectEnvelope(try await api.post("/midjourney/translate", #"{"content":"x"}"#), status: .badRequest, code: "api_not_implemented")
        }
    }

    @Test func missingWrongAndRevokedTokensAre401() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let missing = try await api.raw(
                "/midjourney/tasks", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"id":"x"}"#)
            )
            expectEnvelope(missing, status: .unauthorized, code: "invalid_token")
            expectEnvelope(
                try await api.post("/midjourney/tasks", #"{"id":"x"}"#, token: "jm_wrong"), status: .unauthorized, code: "invalid_token")
            let bare = try await api.raw(
                "/midjourney/tasks", method: .post, headers: [.authorization: server.token, .contentType: "application/json"],
                body: ByteBuffer(string: #"{"id":"x"}"#)
            )
            #expect(bare.status == .ok)
            let credential = try #require(try await server.server.store.credentials().first)
            // Revoked in the store, as another process sharing it would: this server trusts what it read for at most
            // its credential cache's age (0.5 s), so the token stops working within a second.
            _ = try await server.server.store.revokeCredential(id: credential.id)
            let revokedAt = ContinuousClock.now
            var afterRevoking = try await api.post("/midjourney/tasks", #"{"id":"x"}"#)
            while afterRevoking.status == .ok, ContinuousClock.now - revokedAt < .seconds(1) {
                try await Task.sleep(for: .milliseconds(20))
                afterRevoking = try await api.post("/midjourney/tasks", #"{"id":"x"}"#)
            }
            expectEnvelope(afterRevoking, status: .unauthorized, code: "invalid_token")
        }
    }

    @Test func aTokenOutsideItsScopesIsMismatched() async throws {
        let server = try await TestServer.make(workers: 0)
        let tasksOnly = try await server.otherToken(scopes: [.tasks])
        try await server.test { api in
            expectEnvelope(
                try await api.post("/midjourney/imagine", #"{"prompt":"x"}"#, token: tasksOnly), status: .badRequest,
                code: "token_mismatched")
            #expect(try await api.post("/midjourney/tasks", #"{"id":"x"}"#, token: tasksOnly).status == .ok)
        }
    }

    @Test func anApplicationWithoutCreditsIsUsedUp() async throws {
        let server = try await TestServer.make(workers: 0, credits: 0)
        try await server.test { api in
            expectEnvelope(try await api.post("/midjourney/imagine", #"{"prompt":"x","async":true}"#), status: .forbidden, code: "used_up")
        }
    }

    @Test func unknownPathsAre404AndWrongMethods405() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            expectEnvelope(try await api.raw("/nowhere", method: .get), status: .notFound, code: "not_found")
            expectEnvelope(try await api.raw("/midjourney/tasks", method: .get), status: .methodNotAllowed, code: "method_not_allowed")
            expectEnvelope(try await api.raw("/midjourney/images/not-an-image.png", method: .get), status: .notFound, code: "not_found")
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let huge = #"{"prompt":""# + String(repeating: "a", count: 1_100_000) + #""}"#
            expectEnvelope(try await api.post("/midjourney/imagine", huge), status: .contentTooLarge, code: "bad_request")
        }
    }

    @Test func healthAndReadinessAnswerWithoutAToken() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let health = try await api.raw("/healthz", method: .get)
            let readiness = try await api.raw("/readyz", method: .get)
            #expect(health.status == .ok)
            #expect(readiness.object["status"] == .string("ready"))
        }
    }
}
