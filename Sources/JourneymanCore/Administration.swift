import Foundation

/// What `journeyman token` and `journeyman app` do: applications and credentials.
public struct Administration: Sendable {
    /// The store acted on.
    public let store: any TaskStore
    /// Unix seconds now.
    public let now: @Sendable () -> Double

    /// Creates the administration of a store.
    public init(store: any TaskStore, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store
        self.now = now
    }

    /// A new credential and, without `applicationID`, a new application named `name` too.
    public struct CreatedCredential: Sendable {
        /// The credential (its token only as a hash).
        public var credential: Credential
        /// The application it belongs to.
        public var application: Application
        /// The token itself: shown once, never stored.
        public var token: String
        /// Whether the application was created with it (its webhook secret is then new too).
        public var createdApplication: Bool
    }

    /// Creates a credential named `name` for `applicationID`, or for a new application of that name.
    public func createCredential(
        name: String, applicationID: String?, scopes: Set<APIScope>, credits: Int, expiresAt: Double? = nil
    ) async throws -> CreatedCredential {
        let createdAt = now()
        let application: Application
        let isNew: Bool
        if let applicationID {
            guard let existing = try await store.application(id: applicationID) else {
                throw StoreError.unknownApplication(applicationID)
            }
            application = existing
            isNew = false
        } else {
            application = Application(
                id: UUID().uuidString.lowercased(), name: name, credits: credits,
                webhookSecret: TokenHasher.newWebhookSecret(), createdAt: createdAt
            )
            try await store.createApplication(application)
            isNew = true
        }
        let token = TokenHasher.newToken()
        let credential = Credential(
            id: UUID().uuidString.lowercased(), applicationID: application.id, name: name,
            tokenHash: TokenHasher.hash(token), scopes: scopes, expiresAt: expiresAt, createdAt: createdAt
        )
        try await store.createCredential(credential)
        return CreatedCredential(credential: credential, application: application, token: token, createdApplication: isNew)
    }
}
