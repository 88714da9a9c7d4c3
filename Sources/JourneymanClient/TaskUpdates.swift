import AsyncHTTPClient
import Foundation
import MidjourneyAPI
import NIOCore

/// The changes of a task (or of several) until it finishes: each element is the task as it stands after a change of
/// state, progress or hold; the last one, for each task, is finished.
///
/// The sequence follows the task by Server-Sent Events where the server offers them, by an ndjson answer for
/// submissions made with ``WaitStrategy/ndjson``, and else by polling the Tasks API (one `retrieve_batch` call for many
/// tasks). Iterating runs in the caller's task: cancelling that task stops the following, never the server's task.
///
/// ```swift
/// for try await update in client.updates(of: submitted.taskID) {
///     print(update.state, update.progress)
/// }
/// ```
public struct TaskUpdates: AsyncSequence, Sendable {
    /// Each element is the task after a change.
    public typealias Element = TaskSnapshot

    /// What is followed.
    enum Source: Sendable {
        /// One task by id.
        case task(String)
        /// Several tasks by id, polled together.
        case batch([String])
        /// A submission whose answer streams ndjson.
        case submission(TaskEndpoint, JSONObject)
    }

    let client: JourneymanClient
    let source: Source

    /// An iterator, which starts following on its first `next()`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, source: source)
    }

    /// Follows to the end; answers the finished task, or throws ``TaskFailure`` when it failed or was cancelled.
    ///
    /// ```swift
    /// let finished = try await client.updates(of: id).finished()
    /// ```
    public func finished() async throws -> TaskSnapshot {
        var last: TaskSnapshot?
        for try await update in self { last = update }
        guard let last, last.isFinished else {
            throw ClientError.unreadableAnswer(path: "/midjourney/tasks", detail: "the updates ended before the task finished")
        }
        if let failure = last.failure { throw failure }
        return last
    }

    /// Follows the source, step by step.
    public struct Iterator: AsyncIteratorProtocol {
        private enum Phase {
            case start
            case events(EventStreamReader)
            case ndjson(LineReader)
            case polling(first: Bool)
            case done
        }

        private let client: JourneymanClient
        private var source: Source
        private var phase: Phase = .start
        private var seen: [String: TaskSnapshot] = [:]
        private var ready: [TaskSnapshot] = []
        /// Events streams that ended or broke in a row without telling anything new: after a few, polling takes over.
        private var fruitlessStreams = 0

        init(client: JourneymanClient, source: Source) {
            self.client = client
            self.source = source
        }

        /// The task after its next change; nil once every task followed has finished.
        public mutating func next() async throws -> TaskSnapshot? {
            do {
                return try await step()
            } catch {
                // However the cancellation surfaced (an HTTP client error, a closed stream), it is a cancellation.
                if Task.isCancelled { throw CancellationError() }
                throw error
            }
        }

        private mutating func step() async throws -> TaskSnapshot? {
            while true {
                if !ready.isEmpty { return ready.removeFirst() }
                switch phase {
                case .done:
                    return nil
                case .start:
                    try await begin()
                case .events(var reader):
                    phase = .done  // the reader is taken out while it reads
                    let event: EventStreamReader.Event?
                    do {
                        event = try await reader.next()
                    } catch {
                        try Task.checkCancellation()
                        try await streamBroke()
                        continue
                    }
                    guard let event else {
                        try await streamBroke()
                        continue
                    }
                    phase = .events(reader)
                    guard let object = (try? JSONValue.parse(Array(event.data.utf8)))?.objectValue else { continue }
                    guard let task = TaskSnapshot(record: object, json: event.data) else {
                        if case .task(let id) = source { throw ClientError.taskNotFound(id) }
                        continue
                    }
                    if accept(task) { fruitlessStreams = 0 }
                    if task.isFinished { phase = .done }
                case .ndjson(var reader):
                    phase = .done
                    guard let line = try await reader.next() else {
                        // The stream ended early: follow the task by id from here.
                        if let id = seen.keys.first {
                            source = .task(id)
                            phase = .start
                        }
                        continue
                    }
                    phase = .ndjson(reader)
                    guard !line.isEmpty, let object = (try? JSONValue.parse(Array(line.utf8)))?.objectValue else { continue }
                    if object.lenientBool("success") == false, object["task_id"] == nil, let error = object.object("error") {
                        // An error envelope written into the stream.
                        throw ServerError(
                            status: 200, code: error.lenientString("code") ?? "api_error", message: error.lenientString("message") ?? "",
                            traceID: object.lenientString("trace_id"))
                    }
                    guard var task = TaskSnapshot(line: object, json: line) else { continue }
                    if task.isFinished {
                        // The whole record (type, request, times) once it is there; the line itself otherwise.
                        if let record = try? await client.task(task.id), record.isFinished { task = record }
                        phase = .done
                    }
                    _ = accept(task)
                case .polling(let first):
                    if !first { try await Task.sleep(for: client.configuration.pollInterval) }
                    phase = .polling(first: false)
                    try await poll()
                }
            }
        }

        /// Opens the stream the strategy and the server allow.
        private mutating func begin() async throws {
            switch source {
            case .batch(let ids):
                phase = ids.isEmpty ? .done : .polling(first: true)
            case .submission(let endpoint, let body):
                let response = try await client.send(
                    .POST, endpoint.rawValue, body: body, accept: "application/x-ndjson", idempotent: false)
                if Self.contentType(response).contains("ndjson") {
                    phase = .ndjson(LineReader(response.body))
                } else {
                    // A server that ignores the accept header answers the finished body at once.
                    let bytes = try await response.body.collect(upTo: JourneymanClient.maxJSONBytes)
                    guard let object = (try? JSONValue.parse(bytes.readableBytesView))?.objectValue else {
                        throw ClientError.unreadableAnswer(path: endpoint.rawValue, detail: JourneymanClient.excerpt(bytes))
                    }
                    if let created = TaskSnapshot(line: object), created.isFinished {
                        _ = accept(created)
                        phase = .done
                    } else if let id = object.lenientString("task_id") {
                        source = .task(id)
                    } else {
                        throw ClientError.unreadableAnswer(path: endpoint.rawValue, detail: JourneymanClient.excerpt(bytes))
                    }
                }
            case .task(let id):
                let eventsUnavailable = await client.memory.eventsUnavailable
                if client.configuration.waitStrategy == .polling || fruitlessStreams >= 3 || eventsUnavailable {
                    phase = .polling(first: true)
                    return
                }
                let response: HTTPClientResponse
                do {
                    let path = "/midjourney/tasks/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/events"
                    response = try await client.send(.GET, path, accept: "text/event-stream", idempotent: true)
                } catch let error as ServerError where [404, 405, 501].contains(error.status) {
                    await client.memory.markEventsUnavailable()
                    phase = .polling(first: true)
                    return
                }
                guard Self.contentType(response).contains("text/event-stream") else {
                    await client.memory.markEventsUnavailable()
                    phase = .polling(first: true)
                    return
                }
                phase = .events(EventStreamReader(response.body))
            }
        }

        /// An events stream ended before its task did (a restart, a proxy's timeout): open another, a moment later.
        private mutating func streamBroke() async throws {
            fruitlessStreams += 1
            try await Task.sleep(for: Swift.min(client.configuration.pollInterval, .seconds(1)))
            phase = .start
        }

        /// One poll: the task, or every unfinished task of the batch in one call.
        private mutating func poll() async throws {
            switch source {
            case .task(let id):
                let task = try await client.task(id)
                _ = accept(task)
                if task.isFinished { phase = .done }
            case .batch(let ids):
                let waiting = ids.filter { seen[$0]?.isFinished != true }
                let found = try await client.tasks(ids: waiting)
                let foundIDs = Set(found.map(\.id))
                if let missing = waiting.first(where: { !foundIDs.contains($0) }) { throw ClientError.taskNotFound(missing) }
                for task in found { _ = accept(task) }
                if ids.allSatisfy({ seen[$0]?.isFinished == true }) { phase = .done }
            case .submission:
                // Never polled: a submission is followed by its stream, and by id (`.task`) once the stream told it.
                phase = .done
            }
        }

        /// Queues a task if it changed; answers whether it did.
        private mutating func accept(_ task: TaskSnapshot) -> Bool {
            if let previous = seen[task.id], previous.state == task.state, previous.progress == task.progress, previous.hold == task.hold,
                !(task.isFinished && previous.response == nil)
            {
                return false
            }
            seen[task.id] = task
            ready.append(task)
            return true
        }

        private static func contentType(_ response: HTTPClientResponse) -> String {
            response.headers.first(name: "content-type")?.lowercased() ?? ""
        }
    }
}

// MARK: Waiting

extension JourneymanClient {
    /// The changes of a task until it finishes.
    ///
    /// ```swift
    /// for try await update in client.updates(of: id) { print("\(update.progress)%") }
    /// ```
    public func updates(of taskID: String) -> TaskUpdates {
        TaskUpdates(client: self, source: .task(taskID))
    }

    /// The changes of several tasks until all have finished, polled together with `retrieve_batch`.
    ///
    /// ```swift
    /// for try await update in client.updates(of: [first, second]) { print(update.id, update.progress) }
    /// ```
    public func updates(of taskIDs: [String]) -> TaskUpdates {
        TaskUpdates(client: self, source: .batch(taskIDs))
    }

    /// Waits for a task to finish; answers it when it succeeded, throws ``TaskFailure`` (with the task's error code and
    /// message) when it failed or was cancelled, and ``ClientError/waitTimedOut(taskID:seconds:)`` after
    /// ``ClientConfiguration/waitTimeout``. Cancelling the calling task stops the wait, not the server's task.
    ///
    /// ```swift
    /// let task = try await client.wait(for: submitted.taskID)
    /// ```
    public func wait(for taskID: String) async throws -> TaskSnapshot {
        try await waitWithinTimeout(updates(of: taskID), taskID: taskID)
    }

    /// Waits for several tasks to finish, polling them together; answers them in the order asked, failed ones
    /// included (see ``TaskSnapshot/failure``).
    ///
    /// ```swift
    /// let finished = try await client.wait(for: [first.taskID, second.taskID])
    /// ```
    public func wait(for taskIDs: [String]) async throws -> [TaskSnapshot] {
        let client = self
        return try await withinTimeout(taskID: taskIDs.first ?? "") {
            var last: [String: TaskSnapshot] = [:]
            for try await update in client.updates(of: taskIDs) { last[update.id] = update }
            return taskIDs.compactMap { last[$0] }
        }
    }

    /// Follows `updates` to the end within the wait timeout.
    func waitWithinTimeout(_ updates: TaskUpdates, taskID: String = "") async throws -> TaskSnapshot {
        try await withinTimeout(taskID: taskID) { try await updates.finished() }
    }

    private func withinTimeout<Value: Sendable>(taskID: String, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value
    {
        guard let timeout = configuration.waitTimeout else { return try await work() }
        return try await withThrowingTaskGroup(of: Value.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: timeout)
                let (seconds, attoseconds) = timeout.components
                throw ClientError.waitTimedOut(taskID: taskID, seconds: Double(seconds) + Double(attoseconds) / 1e18)
            }
            defer { group.cancelAll() }
            guard let value = try await group.next() else { throw CancellationError() }
            return value
        }
    }
}
