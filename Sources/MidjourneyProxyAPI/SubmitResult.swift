import MidjourneyAPI

/// The proxy's result codes, on submit answers and error bodies.
public enum ProxyCode: Int, Sendable {
    /// Submitted.
    case submitted = 1
    /// A window must be completed through `/mj/submit/modal`.
    case modal = 21
    /// Submitted, and waiting behind the application's running limit.
    case queued = 22
    /// The queue (or a rate) limit is reached.
    case queueFull = 23
    /// The prompt holds a word the server refuses.
    case bannedPrompt = 24
    /// The task named is unknown.
    case notFound = 3
    /// The request is not valid.
    case validationError = 4
    /// The server failed.
    case failure = 9
}

/// `{code, description, result, properties}`: what every submit answers, and the body of every refusal.
public struct SubmitResult: Sendable {
    /// The code.
    public var code: ProxyCode
    /// What happened, for people.
    public var description: String
    /// The task id in digit form (or a seed, for `image-seed`); nil on refusals.
    public var result: String?
    /// Extra members (`numberOfQueues`, `bannedWord`, ...).
    public var properties: JSONObject

    /// Creates a result.
    public init(_ code: ProxyCode, _ description: String, result: String? = nil, properties: JSONObject = JSONObject()) {
        self.code = code
        self.description = description
        self.result = result
        self.properties = properties
    }

    /// The JSON bytes, keys in the proxy's order.
    public func serialized() -> [UInt8] {
        JSONValue.serializedObject([
            ("code", .value(.int(Int64(code.rawValue)))),
            ("description", .value(.string(description))),
            ("result", .value(result.map(JSONValue.string) ?? .null)),
            ("properties", .value(.object(properties))),
        ])
    }
}
