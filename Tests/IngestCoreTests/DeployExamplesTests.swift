import Foundation
import IngestTestSupport
import Testing

/// Issue 12: the job-engine examples under deploy/ parse and agree with each other and with the contract
/// (Indexed Job with completions = SKYLARK_SHARD_COUNT, Batch array size = SKYLARK_SHARD_COUNT, `--shard auto`,
/// an s3:// checkpoint prefix, `bash -n` on the sbatch script), checked by `scripts/check-deploy-examples`.
@Suite struct DeployExamplesTests {
    static let python = ProcessRunner.which("python3")
    static let script = repositoryRoot.appendingPathComponent("scripts/check-deploy-examples").path

    /// Whether python3 with PyYAML is there (`scripts/test` installs PyYAML when missing).
    static func canCheck() async -> Bool {
        guard let python else { return false }
        return (try? await ProcessRunner.run(python, ["-c", "import yaml"]))?.exitCode == 0
    }

    @Test(.enabled("needs python3 with PyYAML (pip install pyyaml)") { await canCheck() })
    func theKubernetesBatchAndSlurmExamplesParseAndAgree() async throws {
        let run = try await ProcessRunner.run(try #require(Self.python), [Self.script, repositoryRoot.path])
        #expect(run.exitCode == 0, "deploy/ examples:\n\(run.stdout)\(run.stderr)")
    }

    @Test(.enabled("needs python3 with PyYAML (pip install pyyaml)") { await canCheck() })
    func aShardCountThatDisagreesWithTheEngineOrALocalCheckpointIsReported() async throws {
        let dir = try TempDirectory(prefix: "deploy")
        defer { dir.remove() }
        for file in ["kubernetes/indexed-job.yaml", "aws-batch/job-definition.json", "aws-batch/README.md", "slurm/ingest.sbatch"] {
            var text = try String(contentsOf: repositoryRoot.appendingPathComponent("deploy/\(file)"), encoding: .utf8)
            switch file {
            case "kubernetes/indexed-job.yaml":
                text = text.replacingOccurrences(of: "completions: 8", with: "completions: 16")
                    .replacingOccurrences(of: "completionMode: Indexed", with: "completionMode: NonIndexed")
            case "aws-batch/README.md":
                text = text.replacingOccurrences(of: "size=8", with: "size=4")
            case "slurm/ingest.sbatch":
                text = text.replacingOccurrences(of: "#SBATCH --requeue", with: "#SBATCH --no-requeue")
                    .replacingOccurrences(of: "--checkpoint \"$checkpoint\"", with: "--checkpoint /scratch/ckpt")
                    .replacingOccurrences(of: "esac", with: "")
            default: break
            }
            try dir.write("deploy/\(file)", text)
        }
        let run = try await ProcessRunner.run(try #require(Self.python), [Self.script, dir.url.path])
        #expect(run.exitCode == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        for expected in [
            "deploy/kubernetes/indexed-job.yaml: completionMode is NonIndexed, not Indexed",
            "deploy/kubernetes/indexed-job.yaml: SKYLARK_SHARD_COUNT=8 but completions=16",
            "deploy/aws-batch/job-definition.json: SKYLARK_SHARD_COUNT=8 but deploy/aws-batch/README.md submits size=4",
            "deploy/slurm/ingest.sbatch: no #SBATCH --requeue",
        ] {
            #expect(lines.contains(expected), "missing \(expected) in:\n\(run.stdout)")
        }
        #expect(lines.contains { $0.hasPrefix("deploy/slurm/ingest.sbatch: bash -n:") }, "\(run.stdout)")
        #expect(lines.contains { $0.hasPrefix("deploy/slurm/ingest.sbatch: the checkpoint is not required") }, "\(run.stdout)")
    }
}
