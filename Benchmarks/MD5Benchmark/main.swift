// CPU seconds per GiB of MD5: OpenSSL's single stream, then MD5LaneScheduler with 1, 2, 4, 8 and 16 bodies
// fed in turn 128 KiB at a time (as the engine thread shows parts in flight to their hashers).
// Usage: md5-bench [GiB per case, default 1] [kernel: auto|scalar|avx2|avx512, default auto]
import CryptoPrimitives
import Foundation
import S3

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

let arguments = CommandLine.arguments
let gib = arguments.count > 1 ? Double(arguments[1]) ?? 1 : 1
let kernel: MD5LaneScheduler.Kernel = switch arguments.count > 2 ? arguments[2] : "auto" {
case "scalar": .scalar
case "avx2": .avx2
case "avx512": .avx512
default: .auto
}
let chunk = 128 * 1024
let total = Int(gib * Double(1 << 30)) / chunk * chunk
let buffer = (0..<chunk).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }

func report(_ label: String, _ seconds: Double) {
    print(String(format: "%-28@ %.3f s/GiB", label as NSString, seconds / (Double(total) / Double(1 << 30))))
}

buffer.withUnsafeBytes { bytes in
    var digest = StreamingDigest(.md5)
    let start = cpuSeconds()
    for _ in 0..<(total / chunk) { digest.update(bytes) }
    _ = digest.finalize()
    report("OpenSSL, 1 stream", cpuSeconds() - start)

    for streams in [1, 2, 4, 8, 16] {
        let scheduler = MD5LaneScheduler(kernel: kernel)
        let lanes = (0..<streams).map { _ in scheduler.acquire() }
        let start = cpuSeconds()
        for round in 0..<(total / chunk) { scheduler.append(lanes[round % streams], bytes) }
        for lane in lanes { _ = scheduler.finish(lane) }
        report("lanes (\(kernel)), \(streams) streams", cpuSeconds() - start)
    }
}
