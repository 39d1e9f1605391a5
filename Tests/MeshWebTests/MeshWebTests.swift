import Foundation
import Testing
@testable import MeshWeb

/// The web layer's pure parts: escaping, forms, the sign-in file, rate limits, redirects.
struct HTMLTests {
    @Test func interpolatedTextIsEscapedAndMarkupIsKept() {
        let title = "<script>alert('x')</script> & \"more\""
        let bold: HTML = "<b>bold</b>"
        let page: HTML = "<h1>\(title)</h1>\(bold)"
        #expect(page.text == "<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;</h1><b>bold</b>")
    }

    @Test func attributesCannotBeBrokenOutOf() {
        let value = "\" onmouseover=\"alert(1)"
        let input: HTML = "<input value=\"\(value)\">"
        #expect(!input.text.contains("\" onmouseover"))
        #expect(input.text == "<input value=\"&quot; onmouseover=&quot;alert(1)\">")
    }
}

struct FormTests {
    @Test func urlEncodedFormsDecode() {
        let form = Form("title=Night+round%3A+red+tabards&problem=a%26b%3Dc&empty=&flag&tag=x&tag=y")
        #expect(form["title"] == "Night round: red tabards")
        #expect(form["problem"] == "a&b=c")
        #expect(form["empty"] == nil)
        #expect(form.has("flag"))
        #expect(form.all("tag") == ["x", "y"])
        #expect(form["missing"] == nil)
    }

    @Test func brokenPercentEncodingIsKeptAsTyped() {
        #expect(Form("a=100%")["a"] == "100%")
    }
}

struct WebCredentialsTests {
    static let hash = "$2b$12$yUlfX4KDSH59FT8wVQ74Nua.j4m.k7f8wLMboE60BLxAyob1.xHR6"

    @Test func theFileRoundTrips() throws {
        let credentials = WebCredentials(passcode: Self.hash, users: ["alice": Self.hash])
        #expect(try WebCredentials.parse(credentials.text, path: "f") == credentials)
    }

    @Test func aBrokenLineIsRefusedNamingIt() {
        #expect(throws: WebCredentials.FileError.self) { try WebCredentials.parse("passcode secret-in-clear\n", path: "f") }
        #expect(throws: WebCredentials.FileError.self) { try WebCredentials.parse("user a b \(Self.hash)\n", path: "f") }
    }

    @Test func userNamesAreLogins() {
        #expect(WebCredentials.validUser("jsmith") == nil)
        #expect(WebCredentials.validUser("") != nil)
        #expect(WebCredentials.validUser("John Smith") != nil)
        #expect(WebCredentials.validUser(String(repeating: "a", count: 65)) != nil)
    }

    /// The hash this code makes is checked by its verify, and a hash made by OpenBSD's bcrypt
    /// (the `$2b$` test vector of the pyca/bcrypt project) verifies here.
    @Test func bcryptAgreesWithAnotherImplementation() {
        let hash = WebCredentials.hash("ward-passcode")
        #expect(hash.hasPrefix("$2b$12$") && hash.count == 60)
        #expect(WebCredentials.verify("ward-passcode", hash: hash))
        #expect(!WebCredentials.verify("ward-passcodf", hash: hash))
        // pyca/bcrypt tests: ("Kk4DQuMMfZL9o", "$2b$04$cVWp4XaNU8a4v1uMRum2SO", …).
        #expect(WebCredentials.verify("Kk4DQuMMfZL9o", hash: "$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm"))
    }
}

struct SignInLimiterTests {
    @Test func fiveFailuresLockForTheRestOfTheWindow() async {
        let limiter = SignInLimiter(attempts: 5, windowSeconds: 300)
        let start = Date(timeIntervalSince1970: 1_000_000)
        for i in 0..<4 { await limiter.failed(["user:amy"], now: start + Double(i)) }
        #expect(await limiter.wait(for: ["user:amy"], now: start + 10) == nil)
        await limiter.failed(["user:amy"], now: start + 4)
        #expect(await limiter.wait(for: ["user:amy"], now: start + 10) == 290)
        #expect(await limiter.wait(for: ["user:raj"], now: start + 10) == nil, "another name is not locked")
        #expect(await limiter.wait(for: ["user:amy"], now: start + 301) == nil, "the oldest failure has left the window")
    }

    /// Attempts sent at once are each counted before any secret is checked: the sixth is
    /// refused even though none of the five has failed yet.
    @Test func attemptsAreCountedBeforeTheSecretIsChecked() async {
        let limiter = SignInLimiter(attempts: 5, windowSeconds: 300)
        var admitted = 0
        for _ in 0..<8 where await limiter.attempt(["address:10.0.0.9"]) == nil { admitted += 1 }
        #expect(admitted == 5)
    }

    @Test func successClearsTheCount() async {
        let limiter = SignInLimiter(attempts: 2, windowSeconds: 300)
        await limiter.failed(["user:amy"])
        await limiter.succeeded(["user:amy"])
        await limiter.failed(["user:amy"])
        #expect(await limiter.wait(for: ["user:amy"]) == nil)
    }
}

struct PasswordVerifierTests {
    /// bcrypt at cost 12 takes a quarter of a second: beyond two at once, the rest are turned
    /// away at once instead of taking every core.
    @Test func atMostTwoChecksRunAtOnce() async {
        let verifier = PasswordVerifier(concurrent: 2)
        let hash = WebCredentials.hash("ward-passcode")
        let outcomes = await withTaskGroup(of: Bool?.self) { group in
            for _ in 0..<6 { group.addTask { await verifier.verify("ward-passcode", hash) } }
            var all: [Bool?] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.filter { $0 == true }.count >= 2, "\(outcomes)")
        #expect(outcomes.contains { $0 == nil }, "six at once: some were turned away \(outcomes)")
        #expect(!outcomes.contains(false))
    }
}

struct RedirectTests {
    @Test func onlyPathsOnThisSiteAreFollowedAfterSignIn() {
        #expect(WebServer.localPath("/ideas/abc-1") == "/ideas/abc-1")
        #expect(WebServer.localPath("//evil.example/x") == "/ideas")
        #expect(WebServer.localPath("https://evil.example/") == "/ideas")
        #expect(WebServer.localPath("/\\evil.example") == "/ideas")
        #expect(WebServer.localPath("/\t/evil.example") == "/ideas", "browsers drop the tab and read //evil.example")
        #expect(WebServer.localPath("/ideas?theme=falls&status=testing") == "/ideas?theme=falls&status=testing")
        #expect(WebServer.localPath(nil) == "/ideas")
    }

    @Test func tokensCompareWhole() {
        #expect(WebServer.same("abc", "abc"))
        #expect(!WebServer.same("abc", "abd"))
        #expect(!WebServer.same("abc", "abcd"))
        #expect(WebServer.token() != WebServer.token())
    }
}
