import Foundation
import JourneymanCore
import Testing

/// A domain over an in-memory store, with one application and its credential.
struct DomainFixture {
    let store = InMemoryTaskStore()
    let domain: TaskDomain
    let identity: Identity

    init(credits: Int = 100, limits: TaskLimits = .none, moderation: [String] = []) async throws {
        domain = TaskDomain(store: store, limits: limits, moderation: ModerationList(words: moderation))
        identity = try await Self.identity(in: store, credits: credits)
    }

    static func identity(in store: InMemoryTaskStore, credits: Int) async throws -> Identity {
        let created = try await Administration(store: store).createCredential(
            name: "app", applicationID: nil, scopes: Set(APIScope.allCases), credits: credits)
        return Identity(credential: created.credential, application: created.application)
    }

    func imagine(_ submission: ImagineSubmission, as identity: Identity? = nil) async throws -> TaskSnapshot {
        try await domain.submission.imagine(
            submission, identity: identity ?? self.identity, traceID: UUID().uuidString, acceptedRequest: "{}", callback: nil)
    }

    /// Finishes a task as a worker would, with a full-size image of `width`×`height`.
    func succeed(_ task: TaskSnapshot, width: Int = 8, height: Int = 8) async throws -> TaskSnapshot {
        let claimed = try #require(try await store.claimTask(owner: "w", now: 1, leaseSeconds: 30, limits: .none))
        #expect(claimed.id == task.id)
        let result = TaskResult(images: [StoredImage(role: .full, name: "\(task.id).png", width: width, height: height)], seed: 5)
        return try #require(
            try await domain.completion.finish(task.id, owner: "w", outcome: TaskOutcome(state: .succeeded, result: result, finishedAt: 2)))
    }

    func credits() async -> Int? { await store.application(id: identity.applicationID)?.credits }
}

@Suite("The domain's rules, over an in-memory store")
struct DomainRulesTests {
    @Test func aGenerateChargesItsModeAndIsDurableAsPending() async throws {
        let fixture = try await DomainFixture(credits: 10)
        let task = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "a lighthouse", mode: .turbo))
        #expect(task.state == .pending)
        #expect(task.cost == 4)
        #expect(await fixture.credits() == 6)
        #expect(await fixture.store.task(id: task.id) == task)
    }

    @Test func aGenerateWithoutAPromptIsRefused() async throws {
        let fixture = try await DomainFixture()
        await #expect(throws: ServiceError.badRequest("field 'prompt' is required for action 'generate'")) {
            _ = try await fixture.imagine(ImagineSubmission(action: .generate))
        }
        #expect(await fixture.credits() == 100, "a refused task costs nothing")
    }

    @Test func aFollowUpMustBeInItsParentsActions() async throws {
        let fixture = try await DomainFixture()
        let grid = try await fixture.succeed(try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "hills")))
        let imageID = try #require(grid.imageID)
        let upscale = try await fixture.imagine(ImagineSubmission(action: .upscale2, imageID: imageID))
        #expect(upscale.command.imagine?.parentTaskID == grid.id)
        #expect(upscale.command.imagine?.seed == 5, "an upscale keeps its parent's seed")
        do {
            _ = try await fixture.imagine(ImagineSubmission(action: .zoomOut2x, imageID: imageID))
            Issue.record("zoom_out_2x may not follow generate")
        } catch let error as ServiceError {
            #expect(error.code == .badRequest)
            #expect(error.message.contains("cannot follow 'generate'"))
        }
    }

    @Test func aFollowUpOnAnUnfinishedParentIsRefused() async throws {
        let fixture = try await DomainFixture()
        let pending = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "hills"))
        await #expect(throws: ServiceError.self) {
            _ = try await fixture.imagine(ImagineSubmission(action: .upscale1, imageID: pending.imageID))
        }
    }

    @Test func anotherApplicationsImageIsUnknown() async throws {
        let fixture = try await DomainFixture()
        let grid = try await fixture.succeed(try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "hills")))
        let stranger = try await DomainFixture.identity(in: fixture.store, credits: 100)
        await #expect(throws: ServiceError.badRequest("image_id '\(grid.imageID!)' is unknown")) {
            _ = try await fixture.imagine(ImagineSubmission(action: .upscale1, imageID: grid.imageID), as: stranger)
        }
        #expect(try await fixture.domain.reader.retrieve(id: grid.id, traceID: nil, applicationID: stranger.applicationID) == nil)
    }

    @Test func aRegionMaskMustBeAPNGOfTheParentsSize() async throws {
        let fixture = try await DomainFixture()
        let grid = try await fixture.succeed(try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "hills")))
        let upscaled = try await fixture.succeed(
            try await fixture.imagine(ImagineSubmission(action: .upscale1, imageID: grid.imageID)), width: 4, height: 4)
        await #expect(throws: ServiceError.self) {
            _ = try await fixture.imagine(ImagineSubmission(action: .variationRegion, imageID: upscaled.imageID, mask: "bm90IGEgcG5n"))
        }
    }

    @Test func theModerationListRefusesAPromptWithoutACharge() async throws {
        let fixture = try await DomainFixture(moderation: ["forbidden thing"])
        await #expect(throws: ServiceError.self) {
            _ = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "a Forbidden Thing at dusk"))
        }
        #expect(await fixture.credits() == 100)
    }

    @Test func creditsRunOutWithUsedUp() async throws {
        let fixture = try await DomainFixture(credits: 3)
        _ = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "one", mode: .fast))
        do {
            _ = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "two", mode: .fast))
            Issue.record("the second task should not be affordable")
        } catch let error as ServiceError {
            #expect(error.code == .usedUp)
        }
        _ = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "three", mode: .relax))
        #expect(await fixture.credits() == 0)
    }

    @Test func aFailedOrCancelledTaskIsRefundedOnce() async throws {
        let fixture = try await DomainFixture(credits: 10)
        let failing = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "fails"))
        let failed = TaskOutcome(state: .failed, result: .failed(.internalError, "broken"), finishedAt: 3)
        #expect(try await fixture.domain.completion.finish(failing.id, owner: nil, outcome: failed) != nil)
        #expect(try await fixture.domain.completion.finish(failing.id, owner: nil, outcome: failed) == nil, "finished once")
        let cancelling = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "cancelled"))
        let cancelled = try await fixture.domain.completion.cancel(cancelling.id, applicationID: fixture.identity.applicationID)
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.result?.failure?.code == .cancelled)
        await #expect(throws: ServiceError.self) {
            _ = try await fixture.domain.completion.cancel(cancelling.id, applicationID: fixture.identity.applicationID)
        }
        #expect(await fixture.credits() == 10)
    }

    @Test func anotherApplicationCannotCancelATask() async throws {
        let fixture = try await DomainFixture()
        let task = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "mine"))
        let stranger = try await DomainFixture.identity(in: fixture.store, credits: 1)
        await #expect(throws: ServiceError.badRequest("task '\(task.id)' is unknown")) {
            _ = try await fixture.domain.completion.cancel(task.id, applicationID: stranger.applicationID)
        }
        #expect(await fixture.store.task(id: task.id)?.state == .pending)
    }

    @Test func aFullQueueRefusesWithRetryAfter() async throws {
        let fixture = try await DomainFixture(limits: TaskLimits(maxPendingPerApplication: 1))
        _ = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "first"))
        do {
            _ = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "second"))
            Issue.record("the queue holds one task")
        } catch let error as ServiceError {
            #expect(error.code == .tooManyRequests)
            #expect(error.retryAfter == 5)
        }
        #expect(await fixture.credits() == 98, "only the accepted task was charged")
    }

    @Test func theRunningLimitHoldsTasksBack() async throws {
        let fixture = try await DomainFixture()
        #expect(try await fixture.store.setLimits(applicationID: fixture.identity.applicationID, maxRunning: 1, maxPending: nil))
        _ = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "first"))
        let second = try await fixture.imagine(ImagineSubmission(action: .generate, prompt: "second"))
        #expect(try await fixture.store.claimTask(owner: "a", now: 1, leaseSeconds: 30, limits: .none) != nil)
        #expect(try await fixture.store.claimTask(owner: "b", now: 1, leaseSeconds: 30, limits: .none) == nil)
        #expect(await fixture.store.task(id: second.id)?.hold == true)
    }

    @Test func aRevokedExpiredOrUnknownTokenIsInvalidAndAMissingScopeMismatched() async throws {
        let store = InMemoryTaskStore()
        let access = AccessControl(accounts: store, ratePolicy: RatePolicy(perSecond: 100, burst: 100), now: { 1000 })
        let administration = Administration(store: store, now: { 1000 })
        let good = try await administration.createCredential(name: "good", applicationID: nil, scopes: [.tasks], credits: 1)
        #expect(try await access.authenticate(token: good.token).credential.id == good.credential.id)
        #expect(throws: ServiceError.self) { try Identity(credential: good.credential, application: good.application).require(.imagine) }
        let expired = try await administration.createCredential(
            name: "old", applicationID: good.application.id, scopes: [.tasks], credits: 0, expiresAt: 999)
        let revoked = try await administration.createCredential(
            name: "gone", applicationID: good.application.id, scopes: [.tasks], credits: 0)
        #expect(try await store.revokeCredential(id: revoked.credential.id))
        for token in [expired.token, revoked.token, "jm_unknown", ""] {
            await #expect(throws: ServiceError.invalidToken) { _ = try await access.authenticate(token: token) }
        }
    }

    @Test func aTokenOverItsRateIsToldWhenToComeBack() async throws {
        let store = InMemoryTaskStore()
        let access = AccessControl(accounts: store, ratePolicy: RatePolicy(perSecond: 1, burst: 2), now: { 1000 })
        let created = try await Administration(store: store).createCredential(name: "r", applicationID: nil, scopes: [.tasks], credits: 1)
        _ = try await access.authenticate(token: created.token)
        _ = try await access.authenticate(token: created.token)
        do {
            _ = try await access.authenticate(token: created.token)
            Issue.record("the third request at once is over the burst")
        } catch let error as ServiceError {
            #expect(error.code == .tooManyRequests)
            #expect(error.retryAfter == 1)
        }
    }
}
