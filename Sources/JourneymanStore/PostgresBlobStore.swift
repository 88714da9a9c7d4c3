import Foundation
import JourneymanCore
import NIOCore
import PostgresNIO

/// Images kept in the shared PostgreSQL database, so every instance serves every image.
public struct PostgresBlobStore: BlobStore {
    private let store: PostgresTaskStore

    /// Keeps images in the `blobs` table of the store's database (and schema), over the store's pool.
    public init(store: PostgresTaskStore) {
        self.store = store
    }

    public func put(_ name: String, bytes: [UInt8]) async throws {
        try BlobName.check(name)
        let now = Date().timeIntervalSince1970
        try await store.execute(
            """
            INSERT INTO blobs (name, bytes, created_at) VALUES (\(name), \(ByteBuffer(bytes: bytes)), \(now))
            ON CONFLICT (name) DO UPDATE SET bytes = EXCLUDED.bytes, created_at = EXCLUDED.created_at
            """
        )
    }

    public func get(_ name: String) async throws -> [UInt8]? {
        try BlobName.check(name)
        guard let row = try await store.rows("SELECT bytes FROM blobs WHERE name = \(name)").first else { return nil }
        return Array(try row.decode(ByteBuffer.self).readableBytesView)
    }
}
