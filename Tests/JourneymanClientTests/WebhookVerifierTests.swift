import Foundation
import JourneymanClient
import MidjourneyAPI
import Testing

@Suite("Webhook verification", .timeLimit(.minutes(10)))
struct WebhookVerifierTests {
    @Test func theStandardWebhooksExampleIsAcceptedWithinToleranceOnly() throws {
        let verifier = WebhookVerifier(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let signed = Date(timeIntervalSince1970: 1_614_265_330)
        let headers = [
            "Webhook-Id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "Webhook-Timestamp": "1614265330",
            "Webhook-Signature": "v1,bogus v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ]
        try verifier.verify(body: body, headers: headers, now: signed.addingTimeInterval(299))
        #expect(throws: WebhookVerificationError.timestampOutOfTolerance(secondsAway: 301)) {
            try verifier.verify(body: body, headers: headers, now: signed.addingTimeInterval(301))
        }
        #expect(throws: WebhookVerificationError.timestampOutOfTolerance(secondsAway: -301)) {
            try verifier.verify(body: body, headers: headers, now: signed.addingTimeInterval(-301))
        }
    }

    @Test func theServersRealDeliveriesAreAcceptedAndTamperedOrStaleOnesRefused() async throws {
        try await LiveServer.with { live in
            let inbox = WebhookInbox()
            try await inbox.with { hook in
                let client = live.client
                let submitted = try await client.submitImagine("a kite over a beach --ar 1:1", options: ImagineOptions(callbackURL: hook))
                _ = try await client.wait(for: submitted.taskID)
                let deadline = ContinuousClock.now + .seconds(30)
                while inbox.deliveries.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                let delivery = try #require(inbox.deliveries.first)
                let body = try #require(try JSONValue.parse(delivery.body).objectValue)
                #expect(body["task_id"]?.stringValue == submitted.taskID && body["raw_image_url"] != nil)

                let verifier = WebhookVerifier(secret: try await live.webhookSecret())
                try verifier.verify(body: delivery.body, headers: delivery.headers)

                var tampered = delivery.body
                tampered[tampered.count / 2] ^= 0x01
                #expect(throws: WebhookVerificationError.signatureMismatch) {
                    try verifier.verify(body: tampered, headers: delivery.headers)
                }
                #expect(throws: WebhookVerificationError.self) {
                    try verifier.verify(body: delivery.body, headers: delivery.headers, now: Date().addingTimeInterval(600))
                }
                let stranger = WebhookVerifier(secret: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
                #expect(throws: WebhookVerificationError.signatureMismatch) {
                    try stranger.verify(body: delivery.body, headers: delivery.headers)
                }
                var unsigned = delivery.headers
                unsigned["webhook-signature"] = nil
                #expect(throws: WebhookVerificationError.missingHeader("webhook-signature")) {
                    try verifier.verify(body: delivery.body, headers: unsigned)
                }
            }
        }
    }
}
