import AsyncHTTPClient
import Foundation
import JourneymanCore
import JourneymanImaging
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

        try await withBrowser(on: server, base: base, failure: "failure") { browser in
            print("ConsoleBrowserTests: chromium session \(browser.session) on chromedriver port \(browser.driverPort) for \(base)")
            try await scenario(
                browser, base: base, token: server.token, admin: admin.token, victim: victim.token, port: port, store: store)
        }
    }

    /// Runs `server`'s application, waits until its console answers, starts a browser and runs `scenario` with it;
    /// a failure leaves a screenshot named `failure`. The browser is stopped either way.
    private func withBrowser(
        on server: TestServer, base: String, failure: String, _ scenario: (Browser) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.server.application.runService() }
            defer { group.cancelAll() }
            try await Browser.waitUntilListening(base + "/console")
            let browser = try await Browser.start()
            do {
                try await scenario(browser)
            } catch {
                try? await browser.screenshot(named: failure)
                await browser.stop()
                throw error
            }
            await browser.stop()
        }
    }

    private func scenario(
        _ browser: Browser, base: String, token: String, admin: String, victim: String, port: Int, store: any TaskStore
    ) async throws {
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

        // Vary (Region): a stroke painted with the mouse over the upscale's top left; the mask sent is white only there.
        try await browser.click(browser.find(xpath: "//li[@id='\(upscaleCard)']//button[normalize-space()='Vary (Region)']"))
        let canvas = try await browser.waitFor("the region painter") {
            try? await browser.find(xpath: "//section[@id='region' and not(@hidden)]//canvas[@aria-label='Mask']")
        }
        #expect(
            try await browser.execute("return document.getElementById('region-submit').disabled;") as? Bool == true, "nothing to send yet")
        let box =
            try await browser.execute(
                "const b = document.getElementById('region-canvas').getBoundingClientRect(); return [Math.round(b.width), Math.round(b.height)];"
            )
            as? [Int] ?? []
        try #require(box.count == 2 && box[0] > 100, "the painter shows the image: \(box)")
        // Offsets from the canvas's centre, in CSS pixels: from (0.2, 0.2) of the image to (0.4, 0.2), then down to (0.4, 0.3).
        func at(_ x: Double, _ y: Double) -> (Int, Int) { (Int((x - 0.5) * Double(box[0])), Int((y - 0.5) * Double(box[1]))) }
        try await browser.drag(on: canvas, through: [at(0.2, 0.2), at(0.4, 0.2), at(0.4, 0.3)])
        #expect(try await browser.execute("return document.getElementById('region-submit').disabled;") as? Bool == false)
        try await browser.screenshot(named: "region-1280")
        try await browser.click(browser.find(xpath: "//button[normalize-space()='Repaint region']"))
        let regionCard = try await waitForFinishedCard(browser, besides: [gridCard, upscaleCard], offering: "U1")
        let mask = try await storedMask(store, card: regionCard)
        #expect(mask.white(atX: 0.3, y: 0.2) && mask.white(atX: 0.4, y: 0.25), "the stroke is white in the mask")
        #expect(!mask.white(atX: 0.8, y: 0.8) && !mask.white(atX: 0.1, y: 0.6), "the rest of the mask is black")
        #expect(try await browser.execute("return document.getElementById('region').hidden;") as? Bool == true)

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

        // Dropped on the describe form: the page's drop handler gets the file a drag would carry (the drag itself is
        // synthesized in the page: WebDriver cannot drag a file from the desktop).
        _ = try await browser.execute("document.getElementById('descriptions').replaceChildren();")
        let dropped = try await browser.executeAsync(
            """
            const done = arguments[arguments.length - 1];
            fetch('\(gridImage)').then((r) => r.blob()).then((blob) => {
              const transfer = new DataTransfer(); transfer.items.add(new File([blob], 'grid.png', { type: 'image/png' }));
              const form = document.getElementById('describe-form');
              for (const type of ['dragover', 'drop']) form.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
              done(true);
            }).catch((error) => done(String(error)));
            """)
        #expect(dropped as? Bool == true, "the drop was dispatched: \(String(describing: dropped))")
        let fromDrop = try await browser.waitFor("four descriptions of the dropped file", seconds: 60) {
            try await browser.execute(
                "const n = document.querySelectorAll('ol[aria-label=\"Descriptions\"] li').length; return n > 0 ? n : null;") as? Int
        }
        #expect(fromDrop == 4)

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
        let workers = try await browser.text(browser.find(xpath: "//h3[normalize-space()='Workers']/following-sibling::p[1]"))
        #expect(workers.contains("runs 2 workers"), "the operate panel's workers: \(workers)")
        try await browser.screenshot(named: "operate-1280")
        let refused = try await livePost(port: port, path: "/midjourney/tasks", token: victim, body: #"{"action":"retrieve_batch"}"#)
        #expect(refused.status == .unauthorized)
        let errors =
            try await browser.execute(
                "return ['sign-in-error','imagine-error','describe-error','region-error'].map((id) => document.getElementById(id).textContent).join('');"
            )
            as? String
        #expect(errors == "", "no error showed: \(errors ?? "")")
    }

    @Test(
        "From the keyboard alone a person signs in, generates, upscales and paints a region, every focus shows, and both colour schemes keep text readable"
    )
    func aPersonUsesTheConsoleFromTheKeyboardInBothColourSchemes() async throws {
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)"
        let server = try await TestServer.make(workers: 2, port: port) { $0.publicURL = base }
        try await withBrowser(on: server, base: base, failure: "keyboard-failure") { browser in
            try await keyboardScenario(browser, base: base, token: server.token, store: server.server.store)
        }
    }

    private func keyboardScenario(_ browser: Browser, base: String, token: String, store: any TaskStore) async throws {
        try await browser.resize(width: 1280, height: 900)
        try await browser.open(base + "/console")
        var stops = try await browser.tab(until: "a.id === 'token'")
        try await browser.typeKeys(token)
        try await browser.press(Key.enter)
        _ = try await browser.waitFor("the signed-in console") {
            try await browser.execute("return document.getElementById('signed-in').hidden === false ? true : null;") as? Bool
        }

        stops += try await browser.tab(until: "a.id === 'prompt'")
        try await browser.typeKeys("a red kite over green hills")
        try await browser.press(Key.control, Key.enter)
        let grid = try await waitForFinishedCard(browser, besides: [], offering: "U1")

        stops += try await browser.tab(until: "a.closest('#\(grid)') && a.textContent === 'U1'")
        try await browser.press(Key.enter)
        let upscale = try await waitForFinishedCard(browser, besides: [grid], offering: "Vary (Region)")
        // The upscale's card is the gallery's first, before the grid's: back there with Shift+Tab.
        stops += try await browser.tab(until: "a.closest('#\(upscale)') && a.textContent === 'Vary (Region)'", backward: true)
        try await browser.press(Key.enter)
        let focused = try await browser.execute("return document.activeElement.id;") as? String
        #expect(focused == "region-title", "the painter takes the focus")

        // The brush starts at the centre: Space puts it down, six steps right paint, Space lifts it.
        stops += try await browser.tab(until: "a.id === 'region-canvas'")
        try await browser.press(" ")
        for _ in 0..<6 { try await browser.press(Key.right) }
        try await browser.press(" ")
        stops += try await browser.tab(until: "a.id === 'region-submit'")
        try await browser.press(Key.enter)
        let region = try await waitForFinishedCard(browser, besides: [grid, upscale], offering: "U1")
        let mask = try await storedMask(store, card: region)
        #expect(mask.white(atX: 0.5, y: 0.5) && mask.white(atX: 0.62, y: 0.5), "the keyboard's stroke, from the centre rightwards")
        #expect(!mask.white(atX: 0.5, y: 0.9) && !mask.white(atX: 0.1, y: 0.1), "nothing else")
        #expect(stops.count >= 8, "focus stops: \(stops)")
        print("ConsoleBrowserTests: focus stops: \(stops)")
        #expect(stops.filter { !$0.ringed }.isEmpty, "every focus shows a ring: \(stops.filter { !$0.ringed })")

        // Text against what is behind it, at WCAG AA (4.5:1; 3:1 for large text), light and then dark.
        _ = try await browser.execute("document.getElementById('gallery').scrollIntoView();")
        #expect(try await browser.execute("return matchMedia('(prefers-color-scheme: dark)').matches;") as? Bool == false)
        let light = try await browser.contrastFailures()
        #expect(light.isEmpty, "light scheme: \(light)")
        try await browser.emulate(colorScheme: "dark")
        #expect(try await browser.execute("return matchMedia('(prefers-color-scheme: dark)').matches;") as? Bool == true)
        let background = try await browser.execute("return getComputedStyle(document.body).backgroundColor;") as? String
        #expect(background == "rgb(18, 18, 20)", "the dark scheme's background: \(background ?? "")")
        let dark = try await browser.contrastFailures()
        #expect(dark.isEmpty, "dark scheme: \(dark)")
        for width in [390, 1280] {
            try await browser.resize(width: width, height: width < 600 ? 844 : 900)
            _ = try await browser.execute("document.getElementById('gallery').scrollIntoView();")
            try await browser.screenshot(named: "dark-gallery-\(width)")
        }
        let errors =
            try await browser.execute(
                "return ['sign-in-error','imagine-error','describe-error','region-error'].map((id) => document.getElementById(id).textContent).join('');"
            )
            as? String
        #expect(errors == "", "no error showed: \(errors ?? "")")
    }

    /// The first card besides `known` that shows its image, says succeeded, and offers `button`.
    private func waitForFinishedCard(_ browser: Browser, besides known: [String], offering button: String) async throws -> String {
        let list = known.map { "'\($0)'" }.joined(separator: ",")
        return try await browser.waitFor("a finished card offering \(button)", seconds: 120) {
            try await browser.execute(
                """
                for (const c of document.querySelectorAll('#tasks .card')) {
                  if ([\(list)].includes(c.id) || !c.querySelector('img')) continue;
                  if (!c.querySelector('.state').textContent.startsWith('succeeded')) continue;
                  if ([...c.querySelectorAll('button')].some((b) => b.textContent === '\(button)')) return c.id;
                }
                return null;
                """) as? String
        }
    }

    /// The mask the server stored for the task of `card`.
    private func storedMask(_ store: any TaskStore, card: String) async throws -> Mask {
        let task = try #require(try await store.task(id: String(card.dropFirst("card-".count))))
        #expect(task.action == .variationRegion)
        let png = try #require(task.command.imagine?.mask, "a variation_region keeps its mask")
        return Mask(image: try PNG.decode([UInt8](png)))
    }

    @Test("A video task's page plays its four videos in the browser: Chromium decodes the server's H.264 from first to last frame")
    func aVideoTaskPagePlaysItsVideos() async throws {
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)"
        let server = try await TestServer.make(workers: 2, port: port) { $0.publicURL = base }
        try await withBrowser(on: server, base: base, failure: "video-failure") { browser in
            let videoTask = try await server.testLive { api in
                let grid = try await api.imagine(#"{"prompt":"a field of sunflowers --ar 3:2"}"#).response()
                let upscale = try await api.imagine(#"{"action":"upscale3","image_id":"\#(grid.string("image_id")!)"}"#).response()
                let reply = try await api.post(
                    "/midjourney/videos",
                    #"{"prompt":"a breeze through the flowers","image_url":"\#(upscale.string("raw_image_url")!)","resolution":"480p","async":true}"#
                )
                let record = try await api.waitForRecord(try #require(reply.object.string("task_id")))
                #expect(record.string("state") == "succeeded", "\(record)")
                return try #require(record.string("id"))
            }
            try await browser.resize(width: 1280, height: 900)
            try await browser.open(base + "/console")
            try await signIn(browser, token: server.token)
            try await browser.open(base + "/console#task/" + videoTask)
            // Each video is loaded, then sought to its end: the browser's decoder shows 720×480 pictures (480 lines,
            // 3:2) for five seconds, and raises no error.
            let played = try await browser.waitFor("four videos decoded to their last frame", seconds: 60) {
                try await browser.execute(
                    """
                    const videos = [...document.querySelectorAll('#task-body video')];
                    if (videos.length !== 4) return null;
                    for (const v of videos) {
                      if (v.error) return 'error ' + v.error.code + ' ' + v.error.message;
                      if (v.readyState < 1) return null;
                      if (v.currentTime < 4.5) { v.currentTime = 4.95; return null; }
                      if (v.seeking || v.readyState < 2) return null;
                    }
                    return videos.map((v) => [v.videoWidth, v.videoHeight, Math.round(v.duration * 10) / 10].join('x')).join(' ');
                    """) as? String
            }
            #expect(played == Array(repeating: "720x480x5", count: 4).joined(separator: " "), "\(played)")
            try await browser.screenshot(named: "video-task-1280")
        }
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

    /// Presses `keys` together (a chord: each goes down in order and up in reverse), as the keyboard would.
    func press(_ keys: String...) async throws {
        let actions = keys.map { ["type": "keyDown", "value": $0] } + keys.reversed().map { ["type": "keyUp", "value": $0] }
        _ = try await command("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// Types `text` into whatever has the focus, a key at a time.
    func typeKeys(_ text: String) async throws {
        let actions = text.flatMap { [["type": "keyDown", "value": String($0)], ["type": "keyUp", "value": String($0)]] }
        _ = try await command("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// Presses Tab (Shift+Tab when `backward`) until `predicate` (JavaScript, with `a` the focused element) holds;
    /// answers every element the focus went through, and whether each showed a focus ring.
    func tab(until predicate: String, backward: Bool = false, most: Int = 60) async throws -> [FocusStop] {
        var stops: [FocusStop] = []
        for _ in 0..<most {
            if backward { try await press(Key.shift, Key.tab) } else { try await press(Key.tab) }
            let reply =
                try await execute(
                    """
                    const a = document.activeElement; const s = getComputedStyle(a);
                    const name = (a.getAttribute('aria-label') || a.textContent || a.value || '').trim().slice(0, 30);
                    return { element: a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + (name ? ' ' + name : ''),
                      ringed: a !== document.body && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                      done: !!(\(predicate)) };
                    """) as? [String: Any] ?? [:]
            stops.append(FocusStop(element: reply["element"] as? String ?? "?", ringed: reply["ringed"] as? Bool == true))
            if reply["done"] as? Bool == true { return stops }
        }
        throw BrowserFailure(description: "\(most) presses of Tab never reached \(predicate); the focus went through \(stops)")
    }

    /// Presses the mouse's button at the first of `points` (offsets from `element`'s centre, in CSS pixels), moves
    /// through the others, and lets go.
    func drag(on element: String, through points: [(Int, Int)]) async throws {
        let origin = [Self.element: element]
        var actions: [[String: Any]] = []
        for (index, point) in points.enumerated() {
            actions.append(["type": "pointerMove", "duration": index == 0 ? 0 : 150, "origin": origin, "x": point.0, "y": point.1])
            if index == 0 { actions.append(["type": "pointerDown", "button": 0]) }
        }
        actions.append(["type": "pointerUp", "button": 0])
        let pointer: [String: Any] = ["type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"], "actions": actions]
        _ = try await command("POST", "/actions", ["actions": [pointer]])
    }

    /// Makes the page see `prefers-color-scheme: colorScheme` (Chromium's DevTools protocol, through chromedriver).
    func emulate(colorScheme: String) async throws {
        let features = [["name": "prefers-color-scheme", "value": colorScheme]]
        _ = try await command("POST", "/goog/cdp/execute", ["cmd": "Emulation.setEmulatedMedia", "params": ["features": features]])
    }

    /// Every piece of text on show whose colour against the background behind it falls short of WCAG AA (4.5:1, or
    /// 3:1 from 24 px, or 18.66 px bold); disabled controls are exempt, as WCAG has it.
    func contrastFailures() async throws -> [String] {
        let reply = try await execute(
            """
            const parse = (c) => { if (!c.startsWith('rgb')) return null;
              const p = c.slice(c.indexOf('(') + 1, c.lastIndexOf(')')).split(',').map(Number);
              return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
            const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
            const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
            const behind = (node) => { for (let n = node; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor);
              if (c && c.a > 0) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
            const failures = [];
            for (const n of document.querySelectorAll('body *')) {
              if (!n.getClientRects().length || n.closest('[hidden]') || n.matches(':disabled') || n.tagName === 'OPTION') continue;
              const text = [...n.childNodes].some((t) => t.nodeType === 3 && t.textContent.trim()) || (n.matches('input, textarea, select') && n.value);
              if (!text) continue;
              const s = getComputedStyle(n); const fg = luminance(parse(s.color)); const bg = luminance(behind(n));
              const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
              const size = parseFloat(s.fontSize); const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
              if (ratio < (large ? 3 : 4.5)) failures.push(n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') + ' "' +
                (n.textContent || n.value).trim().slice(0, 30) + '" ' + ratio.toFixed(2) + ':1 (' + s.color + ' on ' + JSON.stringify(behind(n)) + ')');
            }
            return failures;
            """)
        return reply as? [String] ?? ["the audit answered \(String(describing: reply))"]
    }

    /// Runs `script` in the page and waits for it to call its last argument; answers what it was called with.
    func executeAsync(_ script: String) async throws -> Any? {
        let value = try await command("POST", "/execute/async", ["script": script, "args": [Any]()])
        return value is NSNull ? nil : value
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
                "return ['sign-in-error','imagine-error','describe-error','region-error'].map((id) => document.getElementById(id).textContent).join(' | ');"
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

/// WebDriver's codes for the keys the keyboard tests press.
enum Key {
    static let tab = "\u{E004}"
    static let enter = "\u{E007}"
    static let shift = "\u{E008}"
    static let control = "\u{E009}"
    static let right = "\u{E014}"
}

/// An element the focus reached with Tab, and whether it showed a focus ring there.
struct FocusStop: CustomStringConvertible, Sendable {
    let element: String
    let ringed: Bool
    var description: String { element + (ringed ? "" : " (no focus ring)") }
}

/// A region mask as the server stored it: white repaints.
struct Mask {
    let image: RGBAImage
    func white(atX x: Double, y: Double) -> Bool {
        let column = min(image.width - 1, Int(x * Double(image.width)))
        let row = min(image.height - 1, Int(y * Double(image.height)))
        return image.pixels[(row * image.width + column) * 4] > 200
    }
}
