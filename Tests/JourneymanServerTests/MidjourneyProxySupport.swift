import Foundation
import HTTPTypes
import JourneymanCore
import JourneymanImaging
import MidjourneyAPI
import MidjourneyProxyAPI
import MidjourneyProxyContract
import NIOCore
import Testing

/// Calls the /mj contract the way an app written for midjourney-proxy does: `mj-api-secret`, camelCase JSON.
struct ProxyClient: Sendable {
    let api: APIClient

    var token: String { api.token }

    func post(_ path: String, _ body: String, token: String? = nil, headers: HTTPFields? = nil) async throws -> Reply {
        var fields: HTTPFields = headers ?? [.mjAPISecret: token ?? self.token]
        fields[.contentType] = "application/json"
        return try await api.raw(path, method: .post, headers: fields, body: ByteBuffer(string: body))
    }

    func get(_ path: String, token: String? = nil) async throws -> Reply {
        try await api.raw(path, method: .get, headers: [.mjAPISecret: token ?? self.token])
    }

    /// Submits and expects code 1 (or 22); answers the task id in digit form.
    func submit(_ path: String, _ body: String, token: String? = nil) async throws -> String {
        let reply = try await post(path, body, token: token)
        #expect(reply.status == .ok)
        let code = reply.object.int("code")
        #expect(code == 1 || code == 22, "\(path) answered \(String(buffer: reply.body))")
        return try #require(reply.object.string("result"))
    }

    func fetch(_ id: String, token: String? = nil) async throws -> JSONObject {
        try await get("/mj/task/\(id)/fetch", token: token).object
    }

    /// Polls `fetch` until the task has finished one way or another.
    func waitForTask(_ id: String, seconds: Double = 120) async throws -> JSONObject {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let task = try await fetch(id)
            if ["SUCCESS", "FAILURE", "CANCEL"].contains(task.string("status") ?? "") { return task }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("task \(id) did not finish within \(seconds) s")
        throw CancellationError()
    }

    /// Submits, waits and expects success.
    func finished(_ path: String, _ body: String) async throws -> JSONObject {
        let task = try await waitForTask(try await submit(path, body))
        #expect(task.string("status") == "SUCCESS", "task failed: \(task.string("failReason") ?? "")")
        return task
    }
}

extension JSONObject {
    /// The `customId`s of a task object's buttons, in order.
    var customIDs: [String] {
        (self["buttons"]?.arrayValue ?? []).compactMap { $0.objectValue?.string("customId") }
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

/// A PNG as a data URL.
func pngDataURL(width: Int, height: Int, fill: RGBA) throws -> String {
    "data:image/png;base64," + Data(try PNG.encode(RGBAImage(width: width, height: height, fill: fill))).base64EncodedString()
}

/// The Journeyman task id of a proxy id.
func journeymanID(_ proxyID: String) throws -> String {
    try #require(ProxyTaskID.uuid(from: proxyID))
}

/// Whether a proxy id is all digits.
func isDigits(_ text: String?) -> Bool {
    guard let text, !text.isEmpty else { return false }
    return text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
}
