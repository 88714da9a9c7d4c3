import Foundation
import Hummingbird
import JourneymanCore

/// Checks the request's token (and its rate limit) and puts the caller's identity into the context;
/// each contract says where its token is.
public struct AuthenticationMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {
    /// Tokens, scopes and rates.
    public let access: AccessControl
    /// Where the contract carries the token.
    public let token: @Sendable (Request) -> String?

    /// Creates the middleware.
    public init(access: AccessControl, token: @escaping @Sendable (Request) -> String?) {
        self.access = access
        self.token = token
    }

    /// Authenticates, then hands on with the identity set; refusals are thrown for the contract's envelope.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let identity = try await access.authenticate(token: token(request))
        context.identity = identity
        context.requestFacts.applicationID = identity.applicationID
        context.logger[metadataKey: "application_id"] = "\(identity.applicationID)"
        return try await next(request, context)
    }

    /// `Authorization: Bearer <token>`, or the header's bare value.
    public static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers.single(.authorization) else { return nil }
        // The usual ASCII header without Foundation (this runs on every request); anything else the long way.
        if header.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = Substring(header).utf8[...]
            func trim(_ bytes: inout Substring.UTF8View.SubSequence) {
                while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
                while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
            }
            trim(&bytes)
            guard !bytes.isEmpty else { return nil }
            if bytes.count >= 7, bytes.prefix(7).elementsEqual("bearer ".utf8, by: { $0 | 0x20 == $1 }) {
                bytes = bytes.dropFirst(7)
                trim(&bytes)
            }
            return String(Substring(bytes))
        }
        var value = header.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { return nil }
        if value.lowercased().hasPrefix("bearer ") { value = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        return value
    }
}
