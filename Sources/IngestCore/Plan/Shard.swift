import Foundation

/// `--shard I/N` or `--shard auto`: which items this process takes.
///
/// An item's shard is a function of its `id` alone (a stable 64-bit hash, then modulo N), so reordering,
/// appending or deleting items never moves another item to another shard, whose checkpoint would not know
/// it. The shard is recorded in the checkpoint's header; a run with another shard or count is refused.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 1-based shard index.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 1, index <= count else {
            throw IngestError(code: .usageShard, message: "a shard must be I/N with 1 ≤ I ≤ N, got \(index)/\(count)",
                              hint: "e.g. --shard 2/4 runs the second of four shards")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` with 1 ≤ I ≤ N.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else {
            throw IngestError(code: .usageShard, message: "--shard must be I/N with 1 ≤ I ≤ N, or auto, got '\(text)'",
                              hint: "e.g. --shard 2/4 runs the second of four shards; --shard auto reads the job engine's task index")
        }
        index = i
        count = n
    }

    /// The shard a job engine gives this task, from its environment: Slurm job arrays
    /// (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_STEP`, `SLURM_ARRAY_TASK_COUNT`),
    /// Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`) and AWS Batch array jobs (`AWS_BATCH_JOB_ARRAY_INDEX`),
    /// the last two with the count from `SKYLARK_SHARD_COUNT` (a pod cannot see its Job's completions).
    /// Throws `USAGE_SHARD_AUTO` (exit 2) when none is set or the values do not make a shard.
    public static func auto(environment: [String: String]) throws -> Shard {
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Int(text), value >= 0 else {
                throw IngestError(code: .usageShardAuto, message: "\(name)=\(text) is not a task index or count",
                                  hint: "check the job engine's environment")
            }
            return value
        }
        if let id = try number("SLURM_ARRAY_TASK_ID") {
            guard let count = try number("SLURM_ARRAY_TASK_COUNT") else {
                throw IngestError(code: .usageShardAuto, message: "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not",
                                  hint: "submit the job as an array: sbatch --array=0-N")
            }
            let minimum = try number("SLURM_ARRAY_TASK_MIN") ?? 0
            let step = max(1, try number("SLURM_ARRAY_TASK_STEP") ?? 1)
            guard id >= minimum, (id - minimum) % step == 0 else {
                throw IngestError(code: .usageShardAuto,
                                  message: "SLURM_ARRAY_TASK_ID=\(id) is not in the array \(minimum)… step \(step)",
                                  hint: "use a contiguous array such as --array=0-7 (or --array=0-15:2)")
            }
            return try named(index: (id - minimum) / step + 1, count: count, source: "Slurm array task \(id)")
        }
        for (name, engine) in [("JOB_COMPLETION_INDEX", "Kubernetes Indexed Job"), ("AWS_BATCH_JOB_ARRAY_INDEX", "AWS Batch array job")] {
            guard let index = try number(name) else { continue }
            guard let count = try number("SKYLARK_SHARD_COUNT") else {
                throw IngestError(code: .usageShardAuto, message: "\(name) is set (\(engine)) but SKYLARK_SHARD_COUNT is not",
                                  hint: "set SKYLARK_SHARD_COUNT to the number of tasks (the Job's completions / the array size)")
            }
            return try named(index: index + 1, count: count, source: "\(engine) index \(index)")
        }
        throw IngestError(code: .usageShardAuto,
                          message: "--shard auto: no job engine task index in the environment",
                          hint: "run under a Slurm array (SLURM_ARRAY_TASK_ID), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) "
                              + "or an AWS Batch array (AWS_BATCH_JOB_ARRAY_INDEX) with SKYLARK_SHARD_COUNT, or give --shard I/N")
    }

    private static func named(index: Int, count: Int, source: String) throws -> Shard {
        do { return try Shard(index: index, count: count) } catch {
            throw IngestError(code: .usageShardAuto, message: "\(source) gives shard \(index) of \(count), which does not exist",
                              hint: "the task index must be below the shard count")
        }
    }

    /// Whether the item with `id` belongs to this shard: `hash(id) mod N == I - 1`.
    public func contains(id: String) -> Bool { Shard.slot(of: id, count: count) == index - 1 }

    /// The 0-based shard of `id` among `count`: FNV-1a 64 of its UTF-8 bytes, mixed (`SplitMix64.mix`,
    /// so consecutive ids spread evenly), modulo `count`. Never change it: checkpoints depend on it.
    public static func slot(of id: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int(SplitMix64.mix(hash) % UInt64(max(1, count)))
    }

    public var description: String { "\(index)/\(count)" }
}
