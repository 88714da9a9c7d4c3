import JourneymanCore
import Testing

@Suite("Webhook signatures")
struct WebhookSignerTests {
    @Test func signaturesMatchTheStandardWebhooksExample() {
        let signature = WebhookSigner.signature(
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
            body: #"{"test": 2432232314}"#
        )
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func verificationRejectsAnyChangedPart() {
        let secret = TokenHasher.newWebhookSecret()
        let header = WebhookSigner.signature(secret: secret, id: "msg_1", timestamp: 100, body: "{}")
        #expect(WebhookSigner.verify(secret: secret, id: "msg_1", timestamp: 100, body: "{}", header: "v1,bogus \(header)"))
        #expect(!WebhookSigner.verify(secret: secret, id: "msg_2", timestamp: 100, body: "{}", header: header))
        #expect(!WebhookSigner.verify(secret: secret, id: "msg_1", timestamp: 101, body: "{}", header: header))
        #expect(!WebhookSigner.verify(secret: secret, id: "msg_1", timestamp: 100, body: "{ }", header: header))
        #expect(!WebhookSigner.verify(secret: TokenHasher.newWebhookSecret(), id: "msg_1", timestamp: 100, body: "{}", header: header))
    }
}
