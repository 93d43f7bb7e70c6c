import Foundation
import IngestTestSupport
import Testing

/// The `.onThreadOfItsOwn` trait runs a test's body, and the child tasks it starts, on the test's own
/// thread instead of the cooperative pool.
@Suite(.onThreadOfItsOwn) struct OnThreadOfItsOwnTests {
    /// Whether the caller runs on the thread of the current test's executor (synchronous, as a test body is).
    static func onTheTestsThread() -> Bool { OnThreadOfItsOwn.executor?.isCurrentThread == true }

    @Test func aSynchronousBodyRunsOnTheTestsOwnThread() {
        #expect(Self.onTheTestsThread())
    }

    @Test func anAsyncBodyAndItsChildTasksRunOnTheTestsOwnThread() async {
        #expect(Self.onTheTestsThread())
        await Task.yield()
        #expect(Self.onTheTestsThread(), "after a suspension")
        let children = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 { group.addTask { Self.onTheTestsThread() } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(children == [true, true, true])
    }

    @Test(arguments: [1, 2]) func eachCaseOfAParameterisedTestRunsOnAThreadOfItsOwn(_ n: Int) {
        #expect(Self.onTheTestsThread(), "case \(n)")
    }
}
