/// Decides whether the server may reach a URL a client gave (a callback, an image to fetch).
public protocol OutboundPolicy: Sendable {
    /// Throws a `bad_request` naming `field` when the URL may not be reached.
    func permit(_ url: String, field: String) async throws
}

/// Webhook bodies in one contract's words, rendered when a delivery is sent.
public protocol WebhookBodyRenderer: Sendable {
    /// The body of `delivery` about `task` (for a progress delivery, at the progress it records).
    func body(of delivery: WebhookDelivery, task: TaskSnapshot) -> String
}
