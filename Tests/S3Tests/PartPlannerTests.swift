import Testing
import HTTPEngine
@testable import S3

@Suite struct PartPlannerTests {
    let mib: Int64 = 1024 * 1024

    @Test func fileAtTheThresholdIsASinglePutAndOneByteMoreIsMultipart() {
        let planner = PartPlanner()
        #expect(!planner.usesMultipart(fileSize: 16 * mib))
        #expect(planner.usesMultipart(fileSize: 16 * mib + 1))
        #expect(!planner.usesMultipart(fileSize: 0))
    }

    @Test func defaultPartSizeIsEightMiBForOrdinaryFiles() {
        #expect(PartPlanner().partSize(fileSize: 4 * 1024 * mib) == 8 * mib)
    }

    @Test(arguments: [Int64(80_000) * 1024 * 1024 + 1, Int64(200) * 1024 * 1024 * 1024, Int64(5) * 1024 * 1024 * 1024 * 1024] as [Int64])
    func anyFileFitsInTenThousandParts(_ size: Int64) {
        let planner = PartPlanner()
        let part = planner.partSize(fileSize: size)
        #expect(part >= 8 * mib)
        #expect(part <= PartPlanner.maxPartSize)
        #expect(part % mib == 0)
        #expect((size + part - 1) / part <= 10_000)
    }

    @Test func configuredPartSizeIsClampedToS3Limits() {
        #expect(PartPlanner(preferredPartSize: 1).preferredPartSize == 5 * mib)
        #expect(PartPlanner(preferredPartSize: 64 * mib).partSize(fileSize: 1024 * mib) == 64 * mib)
        #expect(PartPlanner(preferredPartSize: 10 * 1024 * mib).preferredPartSize == PartPlanner.maxPartSize)
    }

    @Test func partsCoverTheFileExactlyWithAShortLastPart() {
        let parts = PartPlanner.parts(fileSize: 20 * mib + 3, partSize: 8 * mib)
        #expect(parts.map(\.length) == [8 * mib, 8 * mib, 4 * mib + 3])
        #expect(parts.map(\.number) == [1, 2, 3])
        #expect(parts.last!.offset + parts.last!.length == 20 * mib + 3)
    }
}

@Suite struct ByteSizeTests {
    @Test func sizesAndRatesParseWithBinaryAndDecimalUnits() {
        #expect(ByteSize.parse("8MiB") == Int64(8 * 1024 * 1024))
        #expect(ByteSize.parse("64M") == Int64(64 * 1024 * 1024))
        #expect(ByteSize.parse("1.5GB") == 1_500_000_000)
        #expect(ByteSize.parse("500k") == 512_000)
        #expect(ByteSize.parse("50MB/s") == 50_000_000)
        #expect(ByteSize.parse("123") == 123)
        #expect(ByteSize.parse("12 parsecs") == nil)
        #expect(ByteSize.parse("-1") == nil)
        #expect(ByteSize.parse("") == nil)
    }
}

@Suite struct BandwidthAndBudgetTests {
    @Test func oneSharedLimiterGrantsNoMoreThanItsRateWhateverTheNumberOfRequests() {
        let start = ContinuousClock.now
        let limiter = SendRateLimiter(bytesPerSecond: 1_000_000, now: start)
        // Eight requests asking for 512 KiB each in turn for two seconds, every 10 ms.
        var granted = 0
        for tick in 0...200 {
            let now = start + .milliseconds(10 * tick)
            for _ in 0..<8 { granted += limiter.take(upTo: 512 * 1024, now: now) }
        }
        // Two seconds at 1 MB/s plus the initial burst, whatever the number of requests.
        #expect(granted <= 2_000_000 + Int(limiter.burst))
        #expect(granted >= 1_900_000)
    }

    @Test func anEmptyLimiterSaysHowLongToWait() {
        let start = ContinuousClock.now
        let limiter = SendRateLimiter(bytesPerSecond: 100_000, now: start)
        #expect(limiter.take(upTo: 1 << 20, now: start) == Int(limiter.burst))
        #expect(limiter.take(upTo: 1 << 20, now: start) == 0)
        let wait = limiter.waitTime(now: start)
        #expect(wait > .zero && wait <= .milliseconds(50))
        #expect(limiter.take(upTo: 1 << 20, now: start + wait) > 0)
    }

    @Test func byteBudgetMakesLaterAcquirersWaitUntilBytesAreReleased() async {
        let budget = ByteBudget(capacity: 10)
        #expect(await budget.acquire(6) == 6)
        let waiter = Task { await budget.acquire(6) }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await budget.free == 4)
        await budget.release(6)
        #expect(await waiter.value == 6)
        #expect(await budget.free == 4)
    }
}
