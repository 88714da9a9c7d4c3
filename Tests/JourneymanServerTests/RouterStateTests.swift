import Foundation
import Testing

@testable import JourneymanUpstream

@Suite("The upstream router's counts", .timeLimit(.minutes(1)))
struct RouterStateTests {
    @Test func placesGoByRunningOverWeightAndNeverPastMaxRunning() {
        let state = RouterState(names: ["big", "small", "tiny"])
        let candidates: [(name: String, weight: Double, maxRunning: Int?)] = [("big", 2, nil), ("small", 1, nil)]
        // (running + 1) ÷ weight: big 0.5 then 1 (a tie with small goes to the first listed), then small.
        #expect([state.reserve(candidates), state.reserve(candidates), state.reserve(candidates)] == ["big", "big", "small"])
        #expect(state.reserve([("tiny", 1, 1)]) == "tiny")
        #expect(state.reserve([("tiny", 1, 1)]) == nil, "tiny is full")
        state.release("tiny")
        #expect(state.reserve([("tiny", 1, 1)]) == "tiny", "a place freed is taken again")
    }

    @Test func aCircuitOpensAfterTheThresholdLetsOneProbeThroughAndClosesOnAnAnswer() {
        let state = RouterState(names: ["north"])
        let health = UpstreamHealth()
        let start = Date()
        #expect(state.failed("north", threshold: 2, probeSeconds: 30, now: start) == false)
        #expect(state.admits("north", health: health, now: start))
        #expect(state.failed("north", threshold: 2, probeSeconds: 30, now: start) == true, "the second failure opens it")
        #expect(!state.admits("north", health: health, now: start.addingTimeInterval(29)))
        #expect(state.openReason("north", now: start.addingTimeInterval(29))?.contains("probed again in 1 s") == true)

        let later = start.addingTimeInterval(31)
        #expect(state.admits("north", health: health, now: later), "due a probe")
        #expect(state.reserve([("north", 1, nil)]) == "north")
        #expect(!state.admits("north", health: health, now: later), "one probe at a time")
        #expect(state.openReason("north", now: later)?.contains("a probe is running") == true)
        state.release("north")
        state.succeeded("north")
        #expect(state.admits("north", health: health, now: later))
        #expect(state.openReason("north", now: later) == nil)
    }

    @Test func anUpstreamWhoseCredentialsWereRefusedTakesNoTasks() {
        let state = RouterState(names: ["north"])
        let health = UpstreamHealth()
        health.markDown("401")
        #expect(!state.admits("north", health: health, now: Date()))
        health.markUp()
        #expect(state.admits("north", health: health, now: Date()))
    }
}
