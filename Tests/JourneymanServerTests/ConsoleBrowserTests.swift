import AsyncHTTPClient
import Foundation
import JourneymanCore
import JourneymanServer
import NIOCore
import Testing

/// The console driven in a real browser: headless Chromium through chromedriver and the W3C WebDriver protocol,
/// against a Journeyman server on a loopback socket. Skipped, saying so, where Chromium or chromedriver are absent.
@Suite("The web console in a real browser", .serialized, .enabled(if: Browser.available, Browser.absenceNote), .timeLimit(.minutes(10)))
struct ConsoleBrowserTests {
    @Test("A person signs in, generates, watches the progress and the grid, upscales U2, describes, and an administrator revokes a token")
    func aPersonUsesTheConsoleFromSignInToRevocation() async throws {
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)"
        let server = try await TestServer.make(workers: 2, port: port) { $0.publicURL = base }
        let store = server.server.store
        let admin = try await Administration(store: store).createCredential(
            name: "ops", applicationID: nil, scopes: Set(APIScope.allCases), credits: 0)
        #expect(try await store.setAdministrator(applicationID: admin.application.id, administrator: true))
        let victim = try await Administration(store: store).createCredential(
            name: "victim", applicationID: nil, scopes: Set(APIScope.allCases), credits: 10)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.server.application.runService() }
            defer { group.cancelAll() }
            try await Browser.waitUntilListening(base + "/console")
            print("ConsoleBrowserTests: journeyman listens at \(base)")
            let browser = try await Browser.start()
            print("ConsoleBrowserTests: chromium session \(browser.session) on chromedriver port \(browser.driverPort)")
            do {
                try await scenario(browser, base: base, token: server.token, admin: admin.token, victim: victim.token, port: port)
            } catch {
                try? await browser.screenshot(named: "failure")
                await browser.stop()
                throw error
            }
            await browser.stop()
        }
    }

    private func scenario(_ browser: Browser, base: String, token: String, admin: String, victim: String, port: Int) async throws {
        try await browser.resize(width: 1280, height: 900)
        try await browser.open(base + "/console")
        try await signIn(browser, token: token)

        // Every state a card shows is recorded as it changes, so the progress is seen however quick the render is.
        _ = try await browser.execute(
            """
            window.seen = [];
            new MutationObserver(() => { for (const n of document.querySelectorAll('#tasks .card')) {
              window.seen.push({ id: n.id, progress: !!n.querySelector('progress'), state: n.querySelector('.state').textContent,
                image: !!n.querySelector('img') }); } }).observe(document.getElementById('tasks'), { childList: true, subtree: true });
            """)
        let prompt = try await browser.find(xpath: "//textarea[@id=//label[normalize-space()='Prompt']/@for]")
        try await browser.type(prompt, "a lighthouse on a cliff at dusk <b>bold</b>")
        try await browser.click(browser.find(xpath: "//button[normalize-space()='Generate']"))

        let gridCard = try await browser.waitFor("the new task's card") {
            try await browser.execute("const c = document.querySelector('#tasks .card'); return c ? c.id : null;") as? String
        }
        let gridButtons = "//li[@id='\(gridCard)']//button"
        _ = try await browser.waitFor("the grid with its U1-U4 buttons", seconds: 120) {
            try await browser.execute(
                "return document.querySelectorAll(\"#\(gridCard) img\").length === 1 && document.evaluate(\"\(gridButtons)[normalize-space()='U2']\", document, null, 9, null).singleNodeValue ? true : null;"
            ) as? Bool
        }
        let seen = try await browser.execute("return window.seen.filter((s) => s.id === '\(gridCard)');") as? [[String: Any]] ?? []
        #expect(seen.contains { ($0["progress"] as? Bool) == true }, "a progress bar showed before the grid: \(seen)")
        #expect(seen.contains { ($0["state"] as? String)?.hasPrefix("succeeded") == true })
        let promptText = try await browser.text(browser.find(xpath: "//li[@id='\(gridCard)']//p[contains(@class,'prompt')]"))
        #expect(promptText.contains("<b>bold</b>"), "the prompt's HTML shows as text: \(promptText)")
        for label in ["U1", "U2", "U3", "U4", "V1", "V2", "V3", "V4", "Reroll"] {
            #expect((try? await browser.find(xpath: "\(gridButtons)[normalize-space()='\(label)']")) != nil, "the grid has \(label)")
        }
        let gridImage = try await browser.execute("return document.querySelector('#\(gridCard) img').src;") as? String ?? ""
        #expect(gridImage.hasPrefix(base), "the image is served by this server: \(gridImage)")

        try await browser.click(browser.find(xpath: "\(gridButtons)[normalize-space()='U2']"))
        let upscaleCard = try await browser.waitFor("the upscale's card with its image and Vary (Subtle)", seconds: 120) {
            try await browser.execute(
                """
                for (const c of document.querySelectorAll('#tasks .card')) {
                  if (c.id === '\(gridCard)' || !c.querySelector('img')) continue;
                  if ([...c.querySelectorAll('button')].some((b) => b.textContent === 'Vary (Subtle)')) return c.id;
                }
                return null;
                """) as? String
        }
        #expect(try await browser.text(browser.find(xpath: "//li[@id='\(upscaleCard)']//a")).contains("upscale2"))
        let decoded = try await browser.waitFor("the upscaled image to load") {
            try await browser.execute(
                "const i = document.querySelector('#\(upscaleCard) img'); return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : null;"
            ) as? Int
        }
        #expect(decoded > 0)

        for width in [390, 1280] {
            try await browser.resize(width: width, height: width < 600 ? 844 : 900)
            _ = try await browser.execute("document.getElementById('gallery').scrollIntoView();")
            try await browser.screenshot(named: "gallery-\(width)")
        }
        try await browser.resize(width: 1280, height: 900)

        // Describe the grid by its URL; each description has a button that puts it in the prompt box.
        let url = try await browser.find(xpath: "//input[@id=//label[normalize-space()='Image URL']/@for]")
        try await browser.type(url, gridImage)
        try await browser.click(browser.find(xpath: "//form[@id='describe-form']//button[normalize-space()='Describe']"))
        let count = try await browser.waitFor("four descriptions", seconds: 60) {
            try await browser.execute(
                "const n = document.querySelectorAll('ol[aria-label=\"Descriptions\"] li').length; return n > 0 ? n : null;") as? Int
        }
        #expect(count == 4)
        let first = try await browser.text(browser.find(xpath: "//ol[@aria-label='Descriptions']/li[1]/span"))
        #expect(first.contains("--ar 1:1"), "a description: \(first)")
        try await browser.click(browser.find(xpath: "//ol[@aria-label='Descriptions']/li[1]//button[normalize-space()='Use']"))
        let used = try await browser.execute("return document.getElementById('prompt').value;") as? String
        #expect(used == first.trimmingCharacters(in: .whitespaces))

        // Describe a file from this machine: the same grid, saved to disk and chosen in the file input.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-console-\(UUID().uuidString).png")
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: gridImage), timeout: .seconds(30))
        try Data(Array(try await response.body.collect(upTo: 1 << 26).readableBytesView)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try await browser.execute(
            "document.getElementById('image-url').value = ''; document.getElementById('descriptions').replaceChildren();")
        try await browser.type(try await browser.find(xpath: "//input[@id=//label[normalize-space()='or an image file']/@for]"), file.path)
        try await browser.click(browser.find(xpath: "//form[@id='describe-form']//button[normalize-space()='Describe']"))
        let fromFile = try await browser.waitFor("four descriptions of the file", seconds: 60) {
            try await browser.execute(
                "const n = document.querySelectorAll('ol[aria-label=\"Descriptions\"] li').length; return n > 0 ? n : null;") as? Int
        }
        #expect(fromFile == 4)
        let firstFromFile = try await browser.text(browser.find(xpath: "//ol[@aria-label='Descriptions']/li[1]/span"))
        #expect(firstFromFile.contains("--ar 1:1") && !firstFromFile.hasPrefix("1"), "unnumbered, as from the URL: \(firstFromFile)")
        _ = try await browser.execute("document.getElementById('image-file').value = '';")

        // Signing out forgets the token; the administrator signs in and revokes the victim's token.
        try await browser.click(browser.find(xpath: "//button[normalize-space()='Sign out']"))
        _ = try await browser.waitFor("the sign-in form after signing out") {
            try await browser.execute(
                "return document.getElementById('sign-in').hidden === false && !sessionStorage.getItem('journeyman-token') ? true : null;")
                as? Bool
        }
        try await signIn(browser, token: admin)
        try await browser.click(
            browser.waitFor("the Operate link") { try? await browser.find(xpath: "//nav//a[normalize-space()='Operate' and not(@hidden)]") }
        )
        let revoke = try await browser.waitFor("the Revoke victim button") {
            try? await browser.find(xpath: "//button[normalize-space()='Revoke victim']")
        }
        try await browser.click(revoke)
        _ = try await browser.waitFor("the victim's token shown revoked") {
            try? await browser.find(xpath: "//tr[td[1][normalize-space()='victim'] and td[4][normalize-space()='revoked']]")
        }
        try await browser.screenshot(named: "operate-1280")
        let refused = try await livePost(port: port, path: "/midjourney/tasks", token: victim, body: #"{"action":"retrieve_batch"}"#)
        #expect(refused.status == .unauthorized)
        let errors =
            try await browser.execute(
                "return ['sign-in-error','imagine-error','describe-error'].map((id) => document.getElementById(id).textContent).join('');")
            as? String
        #expect(errors == "", "no error showed: \(errors ?? "")")
    }

    private func signIn(_ browser: Browser, token: String) async throws {
        let field = try await browser.find(xpath: "//input[@id=//label[normalize-space()='Token']/@for]")
        try await browser.type(field, token)
        try await browser.click(browser.find(xpath: "//form[@id='sign-in-form']//button[normalize-space()='Sign in']"))
        _ = try await browser.waitFor("the signed-in console") {
            try await browser.execute(
                "return document.getElementById('signed-in').hidden === false && document.getElementById('sign-in').hidden ? true : null;")
                as? Bool
        }
    }
}

/// A failure of the browser or of a wait, with what was waited for.
struct BrowserFailure: Error, CustomStringConvertible {
    let description: String
}

/// Headless Chromium behind a chromedriver child process, spoken to over the W3C WebDriver HTTP protocol.
struct Browser: Sendable {
    static let driverPath = "/usr/bin/chromedriver"
    static let chromiumPath =
        ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool {
        let present = FileManager.default.isExecutableFile(atPath: driverPath) && chromiumPath != nil
        if !present { print("!!! ConsoleBrowserTests skipped: chromium and chromium-driver are not installed !!!") }
        return present
    }
    static let absenceNote: Comment = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
    static let element = "element-6066-11e4-a52e-4f735466cecf"

    let driver: Process
    let driverPort: Int
    let session: String
    let profile: String

    /// Starts chromedriver on a free port and a headless Chromium session with a profile of its own.
    static func start() async throws -> Browser {
        let driverPort = try freePort()
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: driverPath)
        driver.arguments = ["--port=\(driverPort)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-chromium-\(UUID().uuidString)").path
        do {
            try await waitUntilListening("http://127.0.0.1:\(driverPort)/status")
            let capabilities: [String: Any] = [
                "capabilities": [
                    "alwaysMatch": [
                        "browserName": "chrome",
                        "goog:chromeOptions": [
                            "binary": chromiumPath ?? "",
                            "args": [
                                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                                "--user-data-dir=\(profile)", "--force-color-profile=srgb", "--hide-scrollbars",
                            ],
                        ],
                    ]
                ]
            ]
            let reply = try await call(driverPort, "POST", "/session", capabilities)
            guard let session = (reply as? [String: Any])?["sessionId"] as? String else {
                throw BrowserFailure(description: "no WebDriver session: \(reply)")
            }
            return Browser(driver: driver, driverPort: driverPort, session: session, profile: profile)
        } catch {
            Browser.kill(driver: driver, profile: profile)
            throw error
        }
    }

    /// Ends the session, then kills chromedriver and every Chromium process of this profile, by pid.
    func stop() async {
        _ = try? await Self.call(driverPort, "DELETE", "/session/\(session)", nil)
        Self.kill(driver: driver, profile: profile)
    }

    private static func kill(driver: Process, profile: String) {
        // Chromium and its helpers descend from chromedriver, or carry the profile path on their command line; each
        // is killed by its pid. No waitUntilExit: it hangs while a grandchild holds an inherited descriptor.
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        var parents: [Int32: Int32] = [:]
        var doomed: Set<Int32> = [driver.processIdentifier]
        for pid in pids {
            if let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
                let close = String(decoding: stat, as: UTF8.self).range(of: ") ", options: .backwards)
            {
                let fields = String(decoding: stat, as: UTF8.self)[close.upperBound...].split(separator: " ")
                if fields.count > 1, let parent = Int32(fields[1]) { parents[pid] = parent }
            }
            if let line = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                String(decoding: line, as: UTF8.self).contains(profile)
            {
                doomed.insert(pid)
            }
        }
        var grew = true
        while grew {
            grew = false
            for (pid, parent) in parents where doomed.contains(parent) && !doomed.contains(pid) {
                doomed.insert(pid)
                grew = true
            }
        }
        for pid in doomed where pid > 0 { Foundation.kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: profile)
    }

    func open(_ url: String) async throws { _ = try await command("POST", "/url", ["url": url]) }

    func resize(width: Int, height: Int) async throws {
        _ = try await command("POST", "/window/rect", ["width": width, "height": height])
    }

    /// The first element at `xpath`, or a failure saying which was missing.
    func find(xpath: String) async throws -> String {
        let value = try await command("POST", "/element", ["using": "xpath", "value": xpath])
        guard let id = (value as? [String: Any])?[Self.element] as? String else {
            throw BrowserFailure(description: "no element at \(xpath): \(value)")
        }
        return id
    }

    func click(_ element: String) async throws { _ = try await command("POST", "/element/\(element)/click", [:]) }

    func type(_ element: String, _ text: String) async throws {
        _ = try await command("POST", "/element/\(element)/clear", [:])
        _ = try await command("POST", "/element/\(element)/value", ["text": text])
    }

    func text(_ element: String) async throws -> String { try await command("GET", "/element/\(element)/text", nil) as? String ?? "" }

    /// Runs `script` in the page; answers its value.
    func execute(_ script: String) async throws -> Any? {
        let value = try await command("POST", "/execute/sync", ["script": script, "args": [Any]()])
        return value is NSNull ? nil : value
    }

    /// Polls `condition` until it answers a value, failing with `what` at the deadline.
    func waitFor<Value>(_ what: String, seconds: Double = 30, _ condition: () async throws -> Value?) async throws -> Value {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try await condition() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        let errors =
            (try? await execute(
                "return ['sign-in-error','imagine-error','describe-error'].map((id) => document.getElementById(id).textContent).join(' | ');"
            ))
        throw BrowserFailure(description: "waited \(seconds) s for \(what); errors on the page: \(errors.map { "\($0)" } ?? "?")")
    }

    /// Saves a PNG of the viewport into $JOURNEYMAN_SCREENSHOTS or .build/console-screenshots.
    func screenshot(named name: String) async throws {
        guard let base64 = try await command("GET", "/screenshot", nil) as? String, let png = Data(base64Encoded: base64) else {
            throw BrowserFailure(description: "no screenshot")
        }
        let directory =
            ProcessInfo.processInfo.environment["JOURNEYMAN_SCREENSHOTS"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/console-screenshots").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/\(name).png"
        try png.write(to: URL(fileURLWithPath: path))
        print("console screenshot: \(path)")
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any {
        try await Self.call(driverPort, method, "/session/\(session)" + path, body)
    }

    /// One WebDriver call; answers the reply's `value`, or throws the WebDriver error it names.
    private static func call(_ port: Int, _ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .RAW(value: method)
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 1 << 26)
        let json = try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView), options: [.fragmentsAllowed])
        let value = (json as? [String: Any])?["value"] ?? NSNull()
        if response.status.code >= 400 {
            let message = ((value as? [String: Any])?["message"] as? String)?.prefix(400) ?? ""
            throw BrowserFailure(description: "WebDriver \(method) \(path) answered \(response.status.code): \(message)")
        }
        return value
    }

    /// Polls `url` until something answers on its socket.
    static func waitUntilListening(_ url: String, seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2))) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BrowserFailure(description: "nothing answered at \(url) within \(seconds) s")
    }
}
