import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanCore
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Testing

@Suite("The web console at /console", .timeLimit(.minutes(10)))
struct ConsoleTests {
    @Test("The page, its script and its style are served without a token, and hold no user data")
    func thePageAndItsAssetsAreServed() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { (api: APIClient) async throws in
            let page = try await api.raw("/console", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: page.body)
            #expect(html.contains(#"<label for="prompt">Prompt</label>"#))
            #expect(html.contains(#"<button type="submit">Generate</button>"#))
            let script = try await api.raw("/console/console.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            let text = String(buffer: script.body)
            #expect(text.contains("sessionStorage"))
            #expect(!text.contains("innerHTML"), "values are written as text, never as HTML")
            for label in ["\"U2\"", "\"Vary (Region)\"", "\"Zoom Out 1.5x\"", "\"Upscale 4x\"", "\"Reroll\""] {
                #expect(text.contains(label))
            }
            #expect(try await api.raw("/console/console.css", method: .get).status == .ok)
            #expect(try await api.raw("/console", method: .post).status == .methodNotAllowed)
        }
    }

    @Test("The operate endpoints refuse a missing token with 401 and another application's token with 403, in the envelope")
    func operatingNeedsAnAdministratorToken() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { (api: APIClient) async throws in
            let anonymous = try await api.raw("/console/api/overview", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.errorCode == "invalid_token")
            let plain = try await api.raw("/console/api/overview", method: .get, headers: [.authorization: "Bearer \(server.token)"])
            #expect(plain.status == .forbidden)
            #expect(plain.errorCode == "forbidden")
            #expect(plain.object["success"]?.boolValue == false)
            let revoke = try await api.post("/console/api/tokens/x/revoke", "{}")
            #expect(revoke.status == .forbidden)
            let create = try await api.post("/console/api/tokens", #"{"name":"sneaky"}"#)
            #expect(create.status == .forbidden)
            #expect(try await server.server.store.credentials().count == 1, "nothing was created")
        }
    }

    @Test("An administrator sees applications, tokens, deliveries and the queue, creates a token and revokes one")
    func anAdministratorOperatesTheServer() async throws {
        let server = try await TestServer.make(workers: 0)
        let store = server.server.store
        let admin = try await Administration(store: store).createCredential(
            name: "ops", applicationID: nil, scopes: Set(APIScope.allCases), credits: 0)
        #expect(try await store.setAdministrator(applicationID: admin.application.id, administrator: true))
        let hostile = #"<script>alert(1)</script>"#
        _ = try await Administration(store: store).createCredential(
            name: hostile, applicationID: nil, scopes: [.tasks], credits: 3)
        try await server.test { (api: APIClient) async throws in
            _ = try await api.submit(#"{"prompt":"a quiet harbour"}"#)
            let overview = try await api.raw("/console/api/overview", method: .get, headers: [.authorization: "Bearer \(admin.token)"])
            #expect(overview.status == .ok)
            #expect(overview.headers[.contentType] == "application/json; charset=utf-8")
            let object = overview.object
            let applications = try #require(object["applications"]?.arrayValue)
            #expect(applications.count == 3)
            let names = applications.compactMap { $0.objectValue?["name"]?.stringValue }
            #expect(names.contains(hostile), "names come back as JSON text")
            #expect(object["queue"]?.objectValue?["pending"]?.doubleValue == 1)
            #expect(object["engine"]?.objectValue?["name"]?.stringValue == "LocalEngine")
            let workers = try #require(object["workers"]?.objectValue)
            #expect(workers["count"]?.doubleValue == 0)
            #expect(workers["running"]?.arrayValue?.isEmpty == true)

            // A worker of another instance takes the task: the panel names it, with the task's application.
            let held = try #require(
                try await store.claimTask(owner: "elsewhere/3", now: Date().timeIntervalSince1970, leaseSeconds: 60, limits: .none))
            let running = try await api.raw("/console/api/overview", method: .get, headers: [.authorization: "Bearer \(admin.token)"])
            let row = try #require(running.object["workers"]?.objectValue?["running"]?.arrayValue?.first?.objectValue)
            #expect(row.string("task_id") == held.id)
            #expect(row.string("worker") == "elsewhere/3")
            #expect(row.string("application") == "tests", "the application by its name")
            #expect((row["lease_seconds_left"]?.doubleValue ?? 0) > 50)
            #expect(running.object["queue"]?.objectValue?["running"]?.doubleValue == 1)
            let tokens = try #require(object["tokens"]?.arrayValue)
            #expect(tokens.count == 3)
            #expect(!String(buffer: overview.body).contains("jm_"), "no token, only credential ids")

            let created = try await api.post("/console/api/tokens", #"{"name":"robot"}"#, token: admin.token)
            #expect(created.status == .ok)
            let newToken = try #require(created.object.string("token"))
            let credentialID = try #require(created.object.string("id"))
            #expect(try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#, token: newToken).status == .ok)
            let revoked = try await api.post("/console/api/tokens/\(credentialID)/revoke", "{}", token: admin.token)
            #expect(revoked.status == .ok)
            #expect(try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#, token: newToken).status == .unauthorized)
            let unknown = try await api.post("/console/api/tokens/nope/revoke", "{}", token: admin.token)
            #expect(unknown.status == .notFound)
            let bad = try await api.post("/console/api/tokens", "[1]", token: admin.token)
            #expect(bad.status == .badRequest)
            let foreign = try await api.post("/console/api/tokens", #"{"name":"x","application_id":"nowhere"}"#, token: admin.token)
            #expect(foreign.status == .badRequest)

            // The token the console is signed in with cannot revoke itself, so no administrator locks themself out.
            let selfRevoke = try await api.post("/console/api/tokens/\(admin.credential.id)/revoke", "{}", token: admin.token)
            #expect(selfRevoke.status == .badRequest)
            #expect(selfRevoke.object["error"]?.objectValue?.string("message")?.contains("signed in with") == true, "\(selfRevoke.object)")
            #expect(try await store.credentials().first { $0.id == admin.credential.id }?.revoked == false)
        }
    }
}
