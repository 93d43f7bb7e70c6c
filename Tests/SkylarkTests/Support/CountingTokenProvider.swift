import IngestCore
import Skylark

/// A token provider that hands out `token-1`, then `token-2` after an invalidation, and counts both.
actor CountingTokenProvider: TokenProvider {
    private(set) var generation = 1
    private(set) var invalidations = 0

    func idToken() async throws -> Secret { Secret("token-\(generation)") }

    func invalidate(_ token: Secret) async {
        invalidations += 1
        if token.revealed == "token-\(generation)" { generation += 1 }
    }
}
