/// Where an engine keeps what it must remember about one running task across a crash and a restart (which
/// upstream it went to, the upstream's task id), stored with the task itself.
public protocol EngineStateStore: Sendable {
    /// The engine state last recorded for task `id`, or nil.
    func engineState(taskID id: String) async throws -> String?
    /// Records the engine state of task `id`, only while `owner` holds it running; false when it does not.
    func recordEngineState(taskID id: String, owner: String, state: String) async throws -> Bool
}

/// One task's engine state, as the worker hands it to the engine: read it on start (a re-claimed task finds what
/// an earlier run wrote), record it as the work goes. Opaque to everything but the engine.
public struct EngineJournal: Sendable {
    private let store: (any EngineStateStore)?
    /// The task it belongs to.
    public let taskID: String
    private let owner: String

    /// A journal of task `taskID`, held by `owner`, kept in `store`.
    public init(store: any EngineStateStore, taskID: String, owner: String) {
        self.store = store
        self.taskID = taskID
        self.owner = owner
    }

    private init() {
        store = nil
        taskID = ""
        owner = ""
    }

    /// A journal that keeps nothing (engines that need none, unit tests).
    public static let none = EngineJournal()

    /// What was recorded last, or nil.
    public func read() async throws -> String? {
        try await store?.engineState(taskID: taskID)
    }

    /// Records `state`, replacing what was there; throws when the task is no longer held by this worker.
    public func record(_ state: String) async throws {
        guard let store else { return }
        guard try await store.recordEngineState(taskID: taskID, owner: owner, state: state) else {
            throw EngineError(code: .internalError, message: "The task is no longer held by this worker.")
        }
    }
}
