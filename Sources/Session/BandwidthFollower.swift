import HTTPEngine
import Logging
import Pipeline
import S3

/// `--max-bandwidth` with a timetable: the run's (or upload's) one limiter follows the local time for the
/// rest of the process, and each change is logged at info.
enum BandwidthFollower {
    /// Starts following `schedule` (nothing for a plain rate); the task ends with the process.
    static func start(_ schedule: BandwidthSchedule, _ limiter: SendRateLimiter, logger: Logger?) {
        guard schedule.isTimetable else { return }
        Task.detached {
            await schedule.follow(limiter) { rate in
                logger?.info("upload bandwidth now \(rate.map { ByteText.format($0) + "/s" } ?? "unlimited") (--max-bandwidth timetable)")
            }
        }
    }
}
