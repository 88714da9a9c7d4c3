import Foundation
import Hummingbird
import JourneymanCore
import JourneymanHTTP
import MidjourneyAPI
import NIOCore

/// `GET /midjourney/tasks/<id>/events`: Server-Sent Events of a task's state and progress, ending with its finished record.
struct EventsController<Context: IdentifiedRequestContext>: Sendable {
    let domain: TaskDomain
    let rendering: MidjourneyRendering

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/midjourney/tasks/:id/events") { request, context in try await events(request, context) }
    }

    private func events(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.tasks)
        let id = context.parameters.get("id") ?? ""
        let domain = domain
        let rendering = rendering
        let owned = try await domain.reader.retrieve(id: id, traceID: nil, applicationID: identity.applicationID) != nil
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                guard owned else {
                    // Like the Tasks API: an unknown or foreign task is an empty record, whose existence is not revealed.
                    try await writer.write(ByteBuffer(string: "event: finished\ndata: {}\n\n"))
                    try await writer.finish(nil)
                    return
                }
                var lastState: JourneymanCore.TaskState?
                try await domain.following.follow(id, pollInterval: 1) { event in
                    let task: TaskSnapshot?
                    switch event {
                    case .progress: task = try await domain.reader.anyTask(id: id)
                    case .finished(let finished): task = finished
                    }
                    guard let task else { return }
                    let name: String
                    if task.state.isFinished {
                        name = "finished"
                    } else if task.state != lastState {
                        name = "state"
                    } else {
                        name = "progress"
                    }
                    lastState = task.state
                    let record = String(decoding: rendering.record(task), as: UTF8.self)
                    try await writer.write(ByteBuffer(string: "event: \(name)\ndata: \(record)\n\n"))
                }
                try await writer.finish(nil)
            }
        )
    }
}
