import Foundation
import Hummingbird
import JourneymanCore
import MidjourneyAPI
import NIOCore

/// `GET /midjourney/tasks/<id>/events`: Server-Sent Events of a task's state and progress, ending with its finished record.
struct EventsController: Sendable {
    let service: TaskService
    let api: APIController

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/midjourney/tasks/:id/events") { request, context in try await events(request, context) }
    }

    private func events(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (credential, _) = try await api.authenticate(request, scope: .tasks)
        let id = context.parameters.get("id") ?? ""
        let service = service
        let owned = try await service.store.task(id: id, applicationID: credential.applicationID) != nil
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
                var lastState: TaskState?
                try await service.follow(id, pollInterval: 1) { event in
                    let row: TaskRow?
                    switch event {
                    case .progress: row = try await service.store.task(id: id)
                    case .finished(let finished): row = finished
                    }
                    guard let row else { return }
                    let name: String
                    if row.state.isFinished {
                        name = "finished"
                    } else if row.state != lastState {
                        name = "state"
                    } else {
                        name = "progress"
                    }
                    lastState = row.state
                    let record = TaskService.json(TaskRecordBuilder.record(row))
                    try await writer.write(ByteBuffer(string: "event: \(name)\ndata: \(record)\n\n"))
                }
                try await writer.finish(nil)
            }
        )
    }
}
