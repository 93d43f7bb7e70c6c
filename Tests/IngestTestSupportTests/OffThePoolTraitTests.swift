import Foundation
import IngestTestSupport
import Testing

/// The `.offThePool` trait runs a test's body, and the child tasks it starts, on the shared heavy-test
/// thread instead of the cooperative pool.
@Suite(.offThePool) struct OffThePoolTraitTests {
    /// Whether the caller runs on the heavy-test thread (synchronous, as a test body is).
    static func onTheHeavyTestThread() -> Bool { OffThePool.executor.isCurrentThread }

    @Test func aSynchronousBodyRunsOnTheHeavyTestThread() {
        #expect(Self.onTheHeavyTestThread())
    }

    @Test func anAsyncBodyAndItsChildTasksRunOnTheHeavyTestThread() async {
        #expect(Self.onTheHeavyTestThread())
        await Task.yield()
        #expect(Self.onTheHeavyTestThread(), "after a suspension")
        let children = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 { group.addTask { Self.onTheHeavyTestThread() } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(children == [true, true, true])
    }

    @Test(arguments: [1, 2]) func eachCaseOfAParameterisedTestRunsOnTheHeavyTestThread(_ n: Int) {
        #expect(Self.onTheHeavyTestThread(), "case \(n)")
    }
}
