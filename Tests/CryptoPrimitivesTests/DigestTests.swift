import Testing
import CryptoPrimitives

@Suite struct DigestTests {
    @Test func sha256OfEmptyAndAbcMatchesFIPS180Vectors() {
        #expect(Hex.encode(Digest.sha256([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(Digest.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func md5MatchesRFC1321Vectors() {
        #expect(Hex.encode(Digest.md5([UInt8]())) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(Hex.encode(Digest.md5(Array("message digest".utf8))) == "f96b697d7cb7938d525a2f31aaf161d0")
    }

    @Test func streamingDigestEqualsOneShotAcrossSplits() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for split in [0, 1, 4096, 9_999, 10_000] {
            var d = StreamingDigest(.sha256)
            d.update(data[..<split])
            d.update(data[split...])
            #expect(d.finalize() == Digest.sha256(data))
        }
    }

    @Test func hmacSHA256MatchesRFC4231Case2() {
        let mac = HMAC.sha256(key: Array("Jefe".utf8), message: "what do ya want for nothing?")
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func hexRoundTripsAndRejectsOddOrNonHex() {
        #expect(Hex.decode("00ff10Ab") == [0, 255, 16, 171])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.encode([0, 255, 16, 171]) == "00ff10ab")
    }
}

@Suite struct BigNumTests {
    @Test func hexAndBytesRoundTrip() throws {
        let n = try #require(BigNum(hex: "00FFee0102"))
        #expect(n.hex == "ffee0102")
        #expect(n.bytes == [0xff, 0xee, 0x01, 0x02])
        #expect(n.bytes(paddedTo: 6) == [0, 0, 0xff, 0xee, 0x01, 0x02])
        #expect(BigNum(bytes: n.bytes) == n)
        #expect(BigNum(hex: "xyz") == nil)
        #expect(BigNum().isZero && BigNum().hex == "0")
    }

    @Test func modularArithmeticMatchesSmallNumbers() {
        let m = BigNum(97)
        #expect(BigNum(5).power(BigNum(3), modulo: m) == BigNum(125 % 97))
        #expect(BigNum(50).multiply(BigNum(3), modulo: m) == BigNum(150 % 97))
        #expect(BigNum(3).subtract(BigNum(5), modulo: m) == BigNum(95))
        #expect(BigNum(90).add(BigNum(10), modulo: m) == BigNum(3))
        #expect(BigNum(200).modulo(m) == BigNum(6))
        #expect(BigNum(7).multiply(BigNum(6)) == BigNum(42))
    }
}
