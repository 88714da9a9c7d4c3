import JourneymanCore
import MidjourneyAPI

/// What the /mj contract keeps of a request in the task's accepted request: the fields it echoes later
/// (`state`, the proxy action, the prompt shown, the description). Tasks made through the other contract have none.
struct ProxyEcho: Sendable, Equatable {
    /// The marker that says a task's accepted request was written by this contract.
    static let contract = "midjourney-proxy"

    /// The proxy's action name when the domain's would say less (`BLEND`), else nil.
    var action: String?
    /// `state` as sent.
    var state: String?
    /// The prompt shown on the task (for follow-ups, the source image's).
    var prompt: String?
    /// The `/imagine ...` style description.
    var description: String?

    /// Creates an echo.
    init(action: String? = nil, state: String?, prompt: String?, description: String?) {
        self.action = action
        self.state = state
        self.prompt = prompt
        self.description = description
    }

    /// Reads the echo back from a task's accepted request; empty for another contract's request.
    init(acceptedRequest: String) {
        guard acceptedRequest.contains(Self.contract), let value = try? JSONValue.parse(Array(acceptedRequest.utf8)),
            let object = value.objectValue, object["contract"]?.stringValue == Self.contract
        else { return }
        action = object["action"]?.stringValue
        state = object["state"]?.stringValue
        prompt = object["prompt"]?.stringValue
        description = object["description"]?.stringValue
    }

    /// The JSON text stored as the task's accepted request.
    var serializedText: String {
        var object = JSONObject()
        object["contract"] = .string(Self.contract)
        if let action { object["action"] = .string(action) }
        if let prompt { object["prompt"] = .string(prompt) }
        if let description { object["description"] = .string(description) }
        if let state { object["state"] = .string(state) }
        return JSONValue.object(object).serializedText
    }
}
