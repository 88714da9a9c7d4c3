import Foundation
import Hummingbird
import JourneymanCore
import JourneymanHTTP

/// The web console at `/console`: a page, its script and style (kept in this package as Swift strings, so there is no
/// build step and nothing to copy), and the administrator's JSON endpoints under `/console/api`. Everything a person
/// does on the page goes through the public API with their own token; only operating the server needs these endpoints,
/// and they answer only tokens of an application marked administrator.
public struct ConsoleRoutes<Context: IdentifiedRequestContext>: Sendable {
    /// Tokens, scopes and rates (the same middleware as the public API).
    public let access: AccessControl
    /// What the operate panel reads and changes.
    public let store: any TaskStore
    /// The server's limits, for the queue's holding count.
    public let limits: TaskLimits
    /// The name of the engine that renders (the upstreams panel's hook).
    public let engineName: String
    /// The engine's upstreams and their health, when its work is done upstream.
    public let upstreams: (any UpstreamReporting)?
    /// This instance's id, as its workers' leases name it, and how many workers it runs.
    public let instanceID: String
    public let workerCount: Int

    /// Creates the console's routes.
    public init(
        access: AccessControl, store: any TaskStore, limits: TaskLimits, engineName: String, upstreams: (any UpstreamReporting)? = nil,
        instanceID: String, workerCount: Int
    ) {
        self.instanceID = instanceID
        self.workerCount = workerCount
        self.upstreams = upstreams
        self.access = access
        self.store = store
        self.limits = limits
        self.engineName = engineName
    }

    /// Paths that answer GET (and HEAD).
    public static var getPaths: Set<String> { ["/console", "/console/console.js", "/console/console.css", "/console/api/overview"] }

    /// Adds the page, its assets and the administrator's endpoints.
    public func addRoutes(to router: Router<Context>) {
        let console = router.group("/console")
        console.get { _, _ in Self.asset(ConsoleAssets.page, type: "text/html; charset=utf-8") }
        console.get("console.js") { _, _ in Self.asset(ConsoleAssets.script, type: "text/javascript; charset=utf-8") }
        console.get("console.css") { _, _ in Self.asset(ConsoleAssets.style, type: "text/css; charset=utf-8") }
        let api = console.group("api")
            .add(middleware: AuthenticationMiddleware<Context>(access: access, token: AuthenticationMiddleware<Context>.bearerToken))
        let operations = ConsoleOperations(
            store: store, limits: limits, engineName: engineName, upstreams: upstreams, instanceID: instanceID, workerCount: workerCount)
        api.get("overview") { _, context in
            try Self.requireAdministrator(context)
            return JSONResponse.raw(Array(try await operations.overview().utf8))
        }
        api.post("tokens") { request, context in
            try Self.requireAdministrator(context)
            let body = try await request.body.collect(upTo: 64 * 1024)
            return JSONResponse.raw(Array(try await operations.createToken(Array(buffer: body)).utf8))
        }
        api.post("tokens/:id/revoke") { [access] _, context in
            try Self.requireAdministrator(context)
            let id = context.parameters.get("id") ?? ""
            // Revoking the token the console is signed in with would lock this administrator out mid-session.
            guard context.identity?.credential.id != id else {
                throw ServiceError.badRequest(
                    "this is the token you are signed in with: sign in with another administrator token to revoke it")
            }
            let answer = try await operations.revoke(id)
            // Refused from the next request on, here; other instances within the access cache's bound.
            access.forget(credentialID: id)
            return JSONResponse.raw(Array(answer.utf8))
        }
    }

    /// Throws `forbidden` (403) unless the caller's application is marked administrator.
    static func requireAdministrator(_ context: Context) throws {
        guard let identity = context.identity else { throw ServiceError.invalidToken }
        guard identity.application.administrator else {
            throw ServiceError(.forbidden, "Operating the server needs a token of an administrator application.")
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "no-cache", .init("x-content-type-options")!: "nosniff"],
            body: .init(byteBuffer: .init(string: text))
        )
    }
}
