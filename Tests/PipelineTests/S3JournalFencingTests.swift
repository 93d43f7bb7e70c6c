import Foundation
import IngestCore
@testable import Pipeline
import Testing

/// The fencing protocol of the S3 checkpoint (docs/checkpoint-s3.md) under every interleaving of an old
/// owner A and a newcomer B over each request (lease read, lease write, list, segment read and put,
/// renewal, snapshot, deletes), against an in-memory store with exact precondition semantics.
@Suite struct S3JournalFencingTests {
    static let header = JournalHeader(toolVersion: "test", manifestPath: "m.yaml", manifestSHA256: "00", createdAt: "t",
                                      shard: "1/2")
    static let layout = S3JournalLayout(bucket: "ckpt", prefix: "run/", shard: try! Shard(index: 1, count: 2))

    static func done(_ id: String) -> JournalEntry {
        JournalEntry(item: id, stage: .assets, event: .done, op: "create", data: ["asset_uid": .string("asse_\(id)")])
    }

    static func options(_ owner: String, clock: ManualLeaseClock) -> S3Journal.Options {
        var options = S3Journal.Options()
        options.owner = owner
        options.clock = clock
        options.renews = false
        options.waitsForPreviousOwner = false
        options.verifiesConditionalWrites = false
        options.minimumPutInterval = .zero
        options.leaseTTL = .seconds(30)
        options.deletesInFlight = 1  // one request at a time per writer, as the interleaver requires
        return options
    }

    /// One step of A's script.
    enum Step: Sendable { case append(String), renew, compact }

    /// What one interleaving did, in the order it happened.
    final class History: Sendable {
        private let recorded = Locked<[String]>([])
        var events: [String] { recorded.withLock { $0 } }
        func add(_ event: String) { recorded.withLock { $0.append(event) } }
        func index(of event: String) -> Int? { recorded.withLock { $0.firstIndex(of: event) } }
    }

    struct Outcome {
        var history: [String]
        var ackedByA: [String]
        var ackedByB: [String]
        var aFailures: [ErrorCode]
        var bReplayed: JournalState?
        var finalState: JournalState
        var decisions: Int
        var trace: [String]
    }

    /// Runs one interleaving: A (already the owner, with `a0` acknowledged) runs `aSteps`, B opens (takes the
    /// shard over), models the wait for A's lease, appends `b1`, compacts and appends `b2`. `choices` picks,
    /// at each point where both have a request waiting, whose goes first (0 = A); missing choices are 0.
    static func run(aSteps: [Step], choices: [Int]) async throws -> Outcome {
        let store = InMemoryJournalStore()
        let clock = ManualLeaseClock()
        let a = try await S3Journal.open(store: store.view(as: "A"), layout: layout, header: header,
                                         options: options("owner-a", clock: clock))
        try await a.journal.append(done("a0"), durable: true)
        let interleaver = Interleaver()
        // A's door now goes through the interleaver too: give A a journal over a gated view of the same objects.
        let gatedA = S3Journal(layout: layout, store: store.view(as: "A", interleaver: interleaver), options: a.journal.options,
                               nextSegment: a.journal.core.withLock { $0.nextSegment }, nextSeq: a.journal.core.withLock { $0.nextSeq },
                               lease: a.journal.core.withLock { $0.lease })
        gatedA.core.withLock { $0.mayDelete = true }
        a.journal.abandon()
        let history = History()
        history.add("A acked a0")
        let ackedA = Locked<[String]>(["a0"])
        let ackedB = Locked<[String]>([])
        let aFailures = Locked<[ErrorCode]>([])
        let bReplayed = Locked<JournalState?>(nil)
        interleaver.start("A")
        interleaver.start("B")
        let scriptA = Task {
            defer { interleaver.finish("A") }
            var aState = JournalState()
            aState.apply(.header(header))
            aState.apply(done("a0"))
            for step in aSteps {
                do {
                    switch step {
                    case .append(let id):
                        try await gatedA.append(done(id), durable: true)
                        aState.apply(done(id))
                        ackedA.withLock { $0.append(id) }
                        history.add("A acked \(id)")
                    case .renew:
                        try await gatedA.renewLease()
                    case .compact:
                        try await gatedA.compact(aState)
                    }
                } catch {
                    aFailures.withLock { $0.append(IngestError.from(error).code) }
                }
            }
        }
        let scriptB = Task {
            defer { interleaver.finish("B") }
            do {
                let opened = try await S3Journal.open(store: store.view(as: "B", interleaver: interleaver), layout: layout,
                                                      header: header, options: options("owner-b", clock: clock))
                history.add("B took over")
                bReplayed.withLock { $0 = opened.state }
                var state = opened.state
                // A renewal inside the wait, so A's steps can also fall between B's takeover and the wait's end.
                try await opened.journal.renewLease()
                // The wait for A's lease, on B's clock; after it, A's deadline has passed too (one clock here).
                clock.advance(opened.previousOwnerWait ?? .zero)
                opened.journal.previousOwnerWaitIsOver()
                // B's renewer ran during the wait (these tests drive each request themselves).
                try await opened.journal.renewLease()
                for (index, id) in ["b1", "b2"].enumerated() {
                    try await opened.journal.append(done(id), durable: true)
                    state.apply(done(id))
                    ackedB.withLock { $0.append(id) }
                    history.add("B acked \(id)")
                    if index == 0 { try await opened.journal.compact(state) }
                }
            } catch {
                history.add("B failed: \(IngestError.from(error).code)")
            }
        }
        var decisions = 0
        var lastChosen: String?
        while true {
            let waiting = await interleaver.waitQuiescent()
            if waiting.isEmpty { break }
            var chosen = waiting[0]
            if waiting.count > 1 {
                // Default: the writer that went last goes on; a deviation switches to the other one.
                let stay = lastChosen.flatMap { waiting.contains($0) ? $0 : nil } ?? waiting[0]
                let deviate = decisions < choices.count && choices[decisions] == 1
                chosen = deviate ? waiting.first { $0 != stay }! : stay
                decisions += 1
            }
            lastChosen = chosen
            interleaver.release(chosen)
        }
        _ = await scriptA.value
        _ = await scriptB.value
        let final = try await S3Journal.replay(store: store.view(as: "reader"), layout: layout)
        return Outcome(history: history.events, ackedByA: ackedA.withLock { $0 }, ackedByB: ackedB.withLock { $0 },
                       aFailures: aFailures.withLock { $0 }, bReplayed: bReplayed.withLock { $0 }, finalState: final.state,
                       decisions: decisions, trace: interleaver.trace)
    }

    /// Runs every interleaving with at most `maxSwitches` deviations from "the writer that went last goes on"
    /// (depth-first over the choice points; `Int.max` = every interleaving), and checks the protocol's promises.
    static func explore(aSteps: [Step], maxSwitches: Int = .max, maxRuns: Int = 20_000) async throws -> Int {
        var choices: [Int] = []
        var runs = 0
        while runs < maxRuns {
            let outcome = try await run(aSteps: aSteps, choices: choices)
            runs += 1
            check(outcome)
            // Next: the last choice point still at its default whose deviation stays within the bound.
            var next = Array(choices.prefix(outcome.decisions))
            next += Array(repeating: 0, count: outcome.decisions - next.count)
            while let last = next.indices.last,
                  next[last] == 1 || next[..<last].reduce(0, +) + 1 > maxSwitches { next.removeLast() }
            guard let last = next.indices.last else { return runs }
            next[last] = 1
            choices = next
        }
        Issue.record("the exploration stopped at \(maxRuns) runs before covering every interleaving")
        return runs
    }

    static func check(_ outcome: Outcome) {
        let context = "trace: \(outcome.trace.joined(separator: " | "))\nhistory: \(outcome.history)"
        #expect(!outcome.history.contains { $0.hasPrefix("B failed") }, "B failed. \(context)")
        guard let takeover = outcome.history.firstIndex(of: "B took over") else { return }
        // Never both: nothing of A is acknowledged (so no effect of A starts) once B owns the shard.
        for (index, event) in outcome.history.enumerated() where event.hasPrefix("A acked") {
            #expect(index < takeover, "\(event) after B's takeover. \(context)")
        }
        // A fails on its first write after the takeover, with CHECKPOINT_FENCED (a renewal may fail first).
        for code in outcome.aFailures { #expect(code == .checkpointFenced, "A failed with \(code). \(context)") }
        // B's replay holds every record A got acknowledged.
        for id in outcome.ackedByA {
            #expect(outcome.bReplayed?.item(id).assetUID == "asse_\(id)", "B's replay lacks \(id). \(context)")
        }
        // Across every compaction, a later reader finds every acknowledged record of both.
        for id in outcome.ackedByA + outcome.ackedByB {
            #expect(outcome.finalState.item(id).assetUID == "asse_\(id)", "the final replay lacks \(id). \(context)")
        }
    }

    @Test func aNewcomerTakingOverWhileTheOwnerAppendsAndRenewsFencesItAtEveryInterleaving() async throws {
        let runs = try await Self.explore(aSteps: [.append("a1"), .renew, .append("a2")])
        #expect(runs > 50)
    }

    @Test func aCompactionByTheOldOwnerDuringTheTakeoverLosesNoAcknowledgedRecord() async throws {
        let runs = try await Self.explore(aSteps: [.append("a1"), .compact, .append("a2")], maxSwitches: 4)
        #expect(runs > 50)
    }

    @Test func anOwnerPausedPastItsLeaseIsRefusedEvenWhereTheNewcomerDeletedTheSegmentThatFencedIt() async throws {
        // A is paused before its next segment PUT; B takes over, waits A's lease out, appends and compacts,
        // deleting every segment up to its own, including the number A is about to write.
        let outcome = try await Self.run(aSteps: [.append("late")], choices: [1])
        #expect(outcome.history.firstIndex(of: "B took over") != nil)
        #expect(!outcome.ackedByA.contains("late"), "\(outcome.trace)")
        #expect(outcome.aFailures == [.checkpointFenced])
        #expect(outcome.finalState.item("late").assetUID == nil)
        Self.check(outcome)
    }
}
