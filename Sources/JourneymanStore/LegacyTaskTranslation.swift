import Foundation
import JourneymanCore

/// Turns a task stored by a release that kept the Midjourney wire JSON (request and finished body) into the
/// domain's command and result; both stores' upgrade migrations use it, once per old task.
enum LegacyTaskTranslation {
    /// The columns of an old task that matter.
    struct OldTask {
        var id: String
        var type: String
        var action: String
        var state: String
        var request: String
        var response: String?
        var parentID: String?
        var seed: Int64?
        var lineage: String?
    }

    /// The command and result (nil until finished) as JSON text.
    static func translate(_ old: OldTask) throws -> (command: String, result: String?) {
        let request = object(old.request)
        let command: TaskCommand
        if old.type == TaskKind.describe.rawValue {
            command = .describe(DescribeCommand(imageURL: request["image_url"] as? String ?? ""))
        } else {
            let mask = (request["mask"] as? String).flatMap { text -> Data? in
                let base64 = text.split(separator: ",", maxSplits: 1).last.map(String.init) ?? text
                return Data(base64Encoded: base64, options: .ignoreUnknownCharacters)
            }
            command = .imagine(
                ImagineCommand(
                    action: ImagineAction(rawValue: old.action) ?? .generate,
                    prompt: request["prompt"] as? String,
                    parentTaskID: old.parentID,
                    parentImageID: request["image_id"] as? String,
                    mask: mask,
                    mode: TaskMode(rawValue: request["mode"] as? String ?? "") ?? .fast,
                    splitImages: request["split_images"] as? Bool ?? false,
                    seed: UInt32(truncatingIfNeeded: old.seed ?? 0)
                ))
        }
        return (try DomainCoding.encode(command), try result(of: old).map { try DomainCoding.encode($0) })
    }

    private static func result(of old: OldTask) -> TaskResult? {
        guard let text = old.response, let state = TaskState(rawValue: old.state), state.isFinished else { return nil }
        let response = object(text)
        let seed = old.seed.map { UInt32(truncatingIfNeeded: $0) }
        guard state == .succeeded else {
            let error = response["error"] as? [String: Any] ?? [:]
            let code = failureCode(error["code"] as? String ?? "")
            return TaskResult(seed: seed, failure: TaskFailure(code: code, message: error["message"] as? String ?? "The task failed."))
        }
        if old.type == TaskKind.describe.rawValue {
            return TaskResult(descriptions: response["descriptions"] as? [String] ?? [])
        }
        var images: [StoredImage] = []
        if let width = int(response["raw_image_width"]), let height = int(response["raw_image_height"]) {
            images.append(StoredImage(role: .full, name: "\(old.id).png", width: width, height: height))
            if let subImages = response["sub_image_urls"] as? [Any], !subImages.isEmpty {
                for n in 1...4 {
                    images.append(StoredImage(role: .quadrant(n), name: "\(old.id)-\(n).png", width: width / 2, height: height / 2))
                }
            }
        }
        if let width = int(response["image_width"]), let height = int(response["image_height"]) {
            images.append(StoredImage(role: .thumbnail, name: "\(old.id)@50.png", width: width, height: height))
        }
        return TaskResult(images: images, seed: seed, lineage: old.lineage)
    }

    /// The domain's code for a code the old release stored (the Midjourney wire's).
    static func failureCode(_ wire: String) -> FailureCode {
        switch wire {
        case "api_error": return .internalError
        case "api_not_implemented": return .notImplemented
        default: return FailureCode(rawValue: wire) ?? .internalError
        }
    }

    private static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    private static func int(_ value: Any?) -> Int? {
        (value as? NSNumber)?.intValue
    }
}
