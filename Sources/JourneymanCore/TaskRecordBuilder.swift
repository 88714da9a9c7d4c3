import Foundation
import MidjourneyAPI

/// Turns stored rows into the records the Tasks API answers.
public enum TaskRecordBuilder {
    /// The public record of a row.
    public static func record(_ row: TaskRow) -> TaskRecord {
        let request = (try? JSONValue.parse(Array(row.request.utf8)))?.objectValue ?? JSONObject()
        let response = row.state.isFinished ? row.response.flatMap { try? JSONValue.parse(Array($0.utf8)) } : nil
        let finishedAt = row.state.isFinished ? row.finishedAt.map(millis) : nil
        return TaskRecord(
            objectID: row.objectID,
            id: row.id,
            applicationID: row.applicationID,
            credentialID: row.credentialID,
            traceID: row.traceID,
            type: row.type.rawValue,
            request: request,
            hold: row.state == .pending,
            imageID: row.imageID,
            jobID: row.jobID,
            state: row.state,
            progress: row.progress,
            createdAt: millis(row.createdAt),
            startedAt: row.startedAt.map(millis),
            finishedAt: finishedAt,
            duration: finishedAt.map { millis($0 - millis(row.createdAt)) },
            response: response
        )
    }

    /// Rounds Unix seconds to whole milliseconds.
    public static func millis(_ seconds: Double) -> Double {
        (seconds * 1000).rounded() / 1000
    }
}
