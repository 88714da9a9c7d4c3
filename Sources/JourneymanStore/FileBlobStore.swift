import Foundation
import JourneymanCore

/// Keeps blobs as files in one directory; each write lands whole (temporary file, fsync, rename).
public struct FileBlobStore: BlobStore {
    /// The directory holding the files.
    public let directory: URL

    /// Uses (creating if needed) `directory`.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    public func put(_ name: String, bytes: [UInt8]) async throws {
        let target = try path(for: name)
        let temporary = directory.appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
        let data = Data(bytes)
        try data.write(to: temporary)
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.synchronize()
        try handle.close()
        if rename(temporary.path, target.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }

    public func get(_ name: String) async throws -> [UInt8]? {
        let target = try path(for: name)
        guard let data = FileManager.default.contents(atPath: target.path) else { return nil }
        return [UInt8](data)
    }

    private func path(for name: String) throws -> URL {
        // Names are ours (task UUIDs with a suffix); anything that could leave the directory is refused.
        try BlobName.check(name)
        return directory.appendingPathComponent(name)
    }
}
