/// The console's page, script and style, served as they are: no build step and no JavaScript package manager.
/// The page holds no user data; the script fills it from the public API with the token kept in `sessionStorage`,
/// and writes every value with `textContent`, so prompts full of HTML stay text.
enum ConsoleAssets {
    static let page = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>Journeyman console</title>
        <link rel="stylesheet" href="/console/console.css">
        <script src="/console/console.js" defer></script>
        </head>
        <body>
        <header class="bar"><h1>Journeyman</h1>
        <nav aria-label="Sections" id="sections" hidden><a href="#imagine">Imagine</a> <a href="#describe">Describe</a> <a href="#gallery">Gallery</a>
        <a href="#operate" id="operate-link" hidden>Operate</a></nav>
        <button type="button" id="sign-out" hidden>Sign out</button></header>
        <main>
        <section id="sign-in" aria-labelledby="sign-in-title"><h2 id="sign-in-title">Sign in</h2>
        <form id="sign-in-form"><label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off" required>
        <button type="submit">Sign in</button><p class="note">The token stays in this browser tab only.</p>
        <p id="sign-in-error" role="alert" class="error"></p></form></section>
        <div id="signed-in" hidden>
        <section id="imagine" aria-labelledby="imagine-title"><h2 id="imagine-title">Imagine</h2>
        <form id="imagine-form"><label for="prompt">Prompt</label>
        <textarea id="prompt" name="prompt" rows="3" required aria-describedby="prompt-hint"></textarea>
        <p class="note" id="prompt-hint">Ctrl+Enter generates.</p>
        <div class="row"><label>Mode <select id="mode"><option>fast</option><option>relax</option><option>turbo</option></select></label>
        <label>Aspect <select id="ar"><option value="">1:1</option><option>16:9</option><option>9:16</option><option>3:2</option>
        <option>2:3</option><option>4:3</option><option>3:4</option></select></label>
        <button type="submit">Generate</button></div><p id="imagine-error" role="alert" class="error"></p></form></section>
        <section id="describe" aria-labelledby="describe-title"><h2 id="describe-title">Describe</h2>
        <form id="describe-form"><label for="image-url">Image URL</label><input id="image-url" type="url">
        <label for="image-file">or an image file</label><input id="image-file" type="file" accept="image/png,image/jpeg">
        <p class="note" id="drop-note">Or drop an image file anywhere on this form.</p>
        <button type="submit">Describe</button><p id="describe-error" role="alert" class="error"></p></form>
        <ol id="descriptions" aria-label="Descriptions"></ol></section>
        <section id="gallery" aria-labelledby="gallery-title"><h2 id="gallery-title">Gallery</h2>
        <ul id="tasks" class="grid" aria-live="polite"></ul>
        <div class="row"><button type="button" id="newer" disabled>Newer</button><button type="button" id="older" disabled>Older</button></div></section>
        <section id="region" aria-labelledby="region-title" hidden><h2 id="region-title" tabindex="-1">Vary (Region)</h2>
        <p class="note" id="region-help">Paint over the part of the image to redo. Drag with a mouse, a finger or a pen; or focus
        the image, move the brush with the arrow keys (Shift for longer steps) and press Space to put the brush down or lift it.</p>
        <div class="painter"><img id="region-image" alt=""><canvas id="region-canvas" tabindex="0" aria-label="Mask" aria-describedby="region-help"></canvas>
        <div id="region-brush" aria-hidden="true"></div></div>
        <div class="row"><label for="brush">Brush size</label><input id="brush" type="range" min="2" max="40" value="12">
        <button type="button" id="region-clear">Clear</button><button type="button" id="region-submit" disabled>Repaint region</button>
        <button type="button" id="region-cancel">Cancel</button></div><p id="region-error" role="alert" class="error"></p></section>
        <section id="task" aria-labelledby="task-title" hidden><h2 id="task-title" tabindex="-1">Task</h2><div id="task-body"></div></section>
        <section id="operate" aria-labelledby="operate-title" hidden><h2 id="operate-title">Operate</h2><div id="operate-body"></div></section>
        </div>
        </main>
        </body>
        </html>
        """

    static let style = """
        :root { --bg: #f7f7f8; --fg: #17171a; --card: #fff; --line: #d9d9de; --accent: #3a5ccc; --on-accent: #fff; --muted: #5d5d66;
          --error: #b3261e; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #121214; --fg: #ececf0; --card: #1d1d21; --line: #34343a; --accent: #8aa4ff; --on-accent: #121214; --muted: #a0a0aa;
            --error: #ff8a80; }
        }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; font: 16px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
        .bar { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
        .bar h1 { font-size: 1.2rem; margin: 0; } .bar nav { flex: 1; display: flex; gap: .75rem; flex-wrap: wrap; }
        a { color: var(--accent); }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
        section { margin-bottom: 2rem; }
        label { display: block; font-weight: 600; margin: .25rem 0; } .row label { display: inline-block; }
        input, textarea, select, button { font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line);
          border-radius: 6px; padding: .45rem .6rem; }
        input, textarea { width: 100%; }
        button { cursor: pointer; background: var(--accent); color: var(--on-accent); border: none; margin: .2rem .2rem .2rem 0; }
        button:disabled { opacity: .5; cursor: default; }
        :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        .row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-top: .5rem; }
        .error { color: var(--error); min-height: 1em; } .note { color: var(--muted); font-size: .9rem; }
        .grid { list-style: none; padding: 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
        .frame { aspect-ratio: 1 / 1; background: var(--line); display: grid; place-items: center; color: var(--muted); }
        .frame img { width: 100%; height: 100%; object-fit: contain; display: block; }
        .meta { padding: .5rem .75rem; } .meta p { margin: .2rem 0; overflow-wrap: anywhere; }
        progress { width: 100%; }
        .actions { display: flex; flex-wrap: wrap; gap: .3rem; margin-top: .4rem; }
        .actions button { margin: 0; padding: .25rem .55rem; font-size: .85rem; min-width: 2.2rem; }
        pre { overflow: auto; background: var(--card); border: 1px solid var(--line); padding: .75rem; font-size: .8rem; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; } td, th { border-bottom: 1px solid var(--line); padding: .3rem; text-align: left; }
        .scroll { overflow-x: auto; }
        .row input[type=range] { width: auto; }
        form.dropping { outline: 3px dashed var(--accent); outline-offset: 4px; }
        .painter { position: relative; max-width: min(100%, 640px); touch-action: none; user-select: none; }
        .painter img { display: block; width: 100%; height: auto; }
        .painter canvas { position: absolute; inset: 0; width: 100%; height: 100%; cursor: crosshair; opacity: .55; }
        #region-brush { position: absolute; border: 2px solid var(--accent); border-radius: 50%; pointer-events: none;
          transform: translate(-50%, -50%); box-shadow: 0 0 0 1px var(--bg); }
        #region-brush.down { background: color-mix(in srgb, var(--accent) 40%, transparent); }
        """

    static let script = """
        "use strict";
        const labels = { upscale1: "U1", upscale2: "U2", upscale3: "U3", upscale4: "U4", variation1: "V1", variation2: "V2",
          variation3: "V3", variation4: "V4", reroll: "Reroll", variation_subtle: "Vary (Subtle)", variation_strong: "Vary (Strong)",
          variation_region: "Vary (Region)", zoom_out_2x: "Zoom Out 2x", zoom_out_1_5x: "Zoom Out 1.5x", pan_left: "\\u2190",
          pan_right: "\\u2192", pan_up: "\\u2191", pan_down: "\\u2193", upscale_2x: "Upscale 2x", upscale_4x: "Upscale 4x" };
        const $ = (id) => document.getElementById(id);
        const token = () => sessionStorage.getItem("journeyman-token");
        let offset = 0; const pageSize = 12;

        function el(tag, props, ...children) {
          const node = document.createElement(tag);
          Object.assign(node, props || {});
          for (const child of children) node.append(child);
          return node;
        }
        async function api(path, body) {
          const response = await fetch(path, { method: body === undefined ? "GET" : "POST",
            headers: { "authorization": "Bearer " + token(), "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body) });
          const json = await response.json();
          if (!response.ok || json.success === false) throw new Error((json.error && json.error.message) || json.description || response.statusText);
          return json;
        }
        // A file is described through the /mj contract, which takes the image inline (the public contract takes a URL):
        // submitted as a data URL, then fetched until it ends; its numbered prompts are split again.
        async function describeFile(file) {
          const dataURL = await new Promise((resolve, reject) => {
            const reader = new FileReader(); reader.onload = () => resolve(reader.result); reader.onerror = () => reject(new Error("The file could not be read."));
            reader.readAsDataURL(file);
          });
          const submitted = await api("/mj/submit/describe", { base64: dataURL });
          if (submitted.code !== 1 && submitted.code !== 22) throw new Error(submitted.description || "The image was refused.");
          for (;;) {
            const task = await api("/mj/task/" + encodeURIComponent(submitted.result) + "/fetch");
            if (task.status === "SUCCESS") {
              return (task.properties.finalPrompt || "").split("\\n\\n").map((text) => text.replace(/^\\S+\\s+/, "").trim()).filter((text) => text);
            }
            if (task.status === "FAILURE" || task.status === "CANCEL") throw new Error(task.failReason || "The describe failed.");
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
        // The events stream is read with fetch, so the token goes in the header and never in a URL.
        async function follow(id, onRecord) {
          const response = await fetch("/midjourney/tasks/" + id + "/events", { headers: { "authorization": "Bearer " + token() } });
          const reader = response.body.getReader(); const decoder = new TextDecoder(); let buffer = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            let end;
            while ((end = buffer.indexOf("\\n\\n")) >= 0) {
              const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
              const data = block.split("\\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\\n");
              if (data) onRecord(JSON.parse(data));
            }
          }
        }
        function card(record) {
          const response = record.response || {};
          const prompt = (record.request && (record.request.prompt || record.request.image_url)) || "";
          const frame = el("div", { className: "frame" });
          if (response.image_url) {
            frame.append(el("img", { src: response.image_url, alt: prompt, loading: "lazy", width: response.image_width, height: response.image_height }));
            frame.style.aspectRatio = response.image_width + " / " + response.image_height;
          } else if (response.descriptions) {
            frame.append(el("span", { textContent: response.descriptions.length + " descriptions" }));
          } else {
            frame.append(el("progress", { max: 100, value: record.progress || 0, ariaLabel: "Progress" }));
          }
          const created = new Date(record.created_at * 1000).toLocaleString();
          const meta = el("div", { className: "meta" },
            el("p", {}, el("a", { href: "#task/" + record.id, textContent: record.type + " \\u00b7 " + (record.request && record.request.action || "") })),
            el("p", { className: "prompt", textContent: prompt }),
            el("p", { className: "note state", textContent: record.state + " " + (record.progress || 0) + "% \\u00b7 " + created +
              (record.duration ? " \\u00b7 " + record.duration.toFixed(1) + " s" : "") }));
          const actions = el("div", { className: "actions" });
          for (const action of response.actions || []) {
            actions.append(el("button", { type: "button", textContent: labels[action] || action, onclick: () => act(record, action) }));
          }
          meta.append(actions);
          return el("li", { className: "card", id: "card-" + record.id }, frame, meta);
        }
        // A card is redrawn as its task changes; the focus, when it was inside, moves to the same control in the new one.
        function show(record) {
          const existing = $("card-" + record.id); const fresh = card(record);
          if (!existing) { $("tasks").prepend(fresh); return; }
          const focused = existing.contains(document.activeElement) ? document.activeElement : null;
          existing.replaceWith(fresh);
          if (focused) {
            const same = [...fresh.querySelectorAll("a, button")].find((n) => n.tagName === focused.tagName && n.textContent === focused.textContent);
            (same || fresh.querySelector("a")).focus({ preventScroll: true });
          }
        }
        async function submit(body) {
          const accepted = await api("/midjourney/imagine", Object.assign({ async: true }, body));
          // The card appears at once, pending, and fills in from the record and then the events stream.
          show({ id: accepted.task_id, type: "imagine", state: "pending", progress: 0, created_at: Date.now() / 1000,
            request: Object.assign({ action: "generate" }, body) });
          show(await api("/midjourney/tasks", { id: accepted.task_id }));
          follow(accepted.task_id, show);
          return accepted;
        }
        // The new task's card scrolls into view; the focus stays where the person was (a fragment link would move it).
        function reveal(accepted) {
          const card = $("card-" + accepted.task_id);
          if (card) card.scrollIntoView({ block: "nearest" });
        }
        async function act(record, action) {
          if (action === "variation_region") { openPainter(record); return; }
          try {
            reveal(await submit({ action, image_id: record.image_id }));
          } catch (error) { $("imagine-error").textContent = error.message; }
        }
        // Vary (Region): the person paints the part to redo over the image. What shows is a translucent canvas over the
        // picture; the mask sent is a second canvas of the image's full size, black where the picture stays and white
        // where it is repainted. A brush follows the pointer, or the arrow keys when the canvas has the focus.
        const painter = { record: null, mask: null, last: null, x: 0.5, y: 0.5, down: false, painted: false };
        function openPainter(record) {
          const response = record.response; const canvas = $("region-canvas");
          // The mask is the full image's size (raw_*); what shows is its thumbnail, scaled to the same box.
          canvas.width = response.raw_image_width || response.image_width; canvas.height = response.raw_image_height || response.image_height;
          canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
          painter.mask = el("canvas", { width: canvas.width, height: canvas.height });
          const g = painter.mask.getContext("2d"); g.fillStyle = "#000"; g.fillRect(0, 0, canvas.width, canvas.height);
          Object.assign(painter, { record, last: null, x: 0.5, y: 0.5, down: false, painted: false });
          const image = $("region-image"); image.src = response.image_url; image.alt = (record.request && record.request.prompt) || "";
          $("region-submit").disabled = true; $("region-error").textContent = "";
          $("region").hidden = false; placeBrush();
          $("region").scrollIntoView({ block: "nearest" }); $("region-title").focus({ preventScroll: true });
        }
        function closePainter() {
          const record = painter.record; $("region").hidden = true; painter.record = null; painter.mask = null;
          const back = record && [...document.querySelectorAll("#card-" + record.id + " button")].find((b) => b.textContent === "Vary (Region)");
          if (back) back.focus();
        }
        function brushRadius() { return $("region-canvas").width * Number($("brush").value) / 200; }
        function placeBrush() {
          const canvas = $("region-canvas"); const brush = $("region-brush");
          const size = 2 * brushRadius() * canvas.clientWidth / canvas.width;
          Object.assign(brush.style, { left: painter.x * 100 + "%", top: painter.y * 100 + "%", width: size + "px", height: size + "px" });
          brush.classList.toggle("down", painter.down);
        }
        // One stroke from `from` to `to`, in the image's pixels, on what shows and on the mask.
        function stroke(from, to) {
          const canvas = $("region-canvas");
          for (const [g, colour] of [[canvas.getContext("2d"), getComputedStyle(canvas).getPropertyValue("--accent").trim() || "#3a5ccc"], [painter.mask.getContext("2d"), "#fff"]]) {
            g.strokeStyle = colour; g.lineWidth = 2 * brushRadius(); g.lineCap = "round"; g.lineJoin = "round";
            g.beginPath(); g.moveTo(from.x, from.y); g.lineTo(to.x, to.y); g.stroke();
          }
          painter.painted = true; $("region-submit").disabled = false;
        }
        function pointerAt(event) {
          const canvas = $("region-canvas"); const box = canvas.getBoundingClientRect();
          return { x: (event.clientX - box.left) / box.width * canvas.width, y: (event.clientY - box.top) / box.height * canvas.height };
        }
        function brushAt() { const canvas = $("region-canvas"); return { x: painter.x * canvas.width, y: painter.y * canvas.height }; }
        function setUpPainter() {
          const canvas = $("region-canvas");
          canvas.addEventListener("pointerdown", (event) => {
            event.preventDefault(); canvas.setPointerCapture(event.pointerId); canvas.focus({ preventScroll: true });
            painter.last = pointerAt(event); stroke(painter.last, painter.last);
          });
          canvas.addEventListener("pointermove", (event) => {
            const box = canvas.getBoundingClientRect();
            painter.x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
            painter.y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height)); placeBrush();
            if (!painter.last) return;
            const point = pointerAt(event); stroke(painter.last, point); painter.last = point;
          });
          for (const name of ["pointerup", "pointercancel"]) canvas.addEventListener(name, () => { painter.last = null; });
          canvas.addEventListener("keydown", (event) => {
            const step = event.shiftKey ? 0.1 : 0.025;
            const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
            if (moves[event.key]) {
              const from = brushAt();
              painter.x = Math.min(1, Math.max(0, painter.x + moves[event.key][0]));
              painter.y = Math.min(1, Math.max(0, painter.y + moves[event.key][1]));
              if (painter.down) stroke(from, brushAt());
            } else if (event.key === " " || event.key === "Enter") {
              painter.down = !painter.down;
              if (painter.down) stroke(brushAt(), brushAt());
            } else return;
            event.preventDefault(); placeBrush();
          });
          $("brush").addEventListener("input", placeBrush);
          $("region-clear").onclick = () => {
            canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
            const g = painter.mask.getContext("2d"); g.fillStyle = "#000"; g.fillRect(0, 0, canvas.width, canvas.height);
            painter.painted = false; painter.down = false; $("region-submit").disabled = true; placeBrush();
          };
          $("region-cancel").onclick = closePainter;
          $("region").addEventListener("keydown", (event) => { if (event.key === "Escape") closePainter(); });
          $("region-submit").onclick = async () => {
            if (!painter.painted) return;
            $("region-submit").disabled = true;
            try {
              const record = painter.record; const mask = painter.mask.toDataURL("image/png").split(",")[1];
              const accepted = await submit({ action: "variation_region", image_id: record.image_id, mask });
              closePainter(); reveal(accepted);
            } catch (error) { $("region-error").textContent = error.message; $("region-submit").disabled = false; }
          };
        }
        async function loadGallery() {
          const list = await api("/midjourney/tasks", { action: "retrieve_batch", offset, limit: pageSize });
          $("tasks").replaceChildren(...list.items.map(card));
          $("newer").disabled = offset === 0; $("older").disabled = list.items.length < pageSize;
          for (const record of list.items) if (record.state === "pending" || record.state === "running") follow(record.id, show);
        }
        async function showTask(id) {
          const record = await api("/midjourney/tasks", { id });
          const body = $("task-body"); body.replaceChildren();
          $("task").scrollIntoView({ block: "start" }); $("task-title").focus({ preventScroll: true });
          if (!record.id) { body.append(el("p", { textContent: "There is no such task." })); return; }
          const response = record.response || {};
          if (response.raw_image_url) body.append(el("img", { src: response.raw_image_url, alt: record.request.prompt || "", loading: "lazy", style: "max-width:100%" }));
          (response.video_urls || []).forEach((url, index) => body.append(el("video", { src: url, controls: true, loop: true, muted: true,
            preload: "metadata", poster: response.image_url || "", ariaLabel: "Video " + (index + 1), style: "max-width:100%;display:block" })));
          if (record.request && record.request.video_id) body.append(el("p", { textContent: "Extends video " + record.request.video_id + " " }));
          const parent = record.request && record.request.image_id;
          if (parent) body.append(el("p", { textContent: "Made from image " + parent + " " }));
          const all = await api("/midjourney/tasks", { action: "retrieve_batch", limit: 100 });
          const children = all.items.filter((t) => t.request && t.request.image_id && t.request.image_id === record.image_id);
          const parentTask = all.items.find((t) => t.image_id === parent);
          if (parentTask) body.append(el("p", {}, "Parent: ", el("a", { href: "#task/" + parentTask.id, textContent: parentTask.id })));
          if (children.length) body.append(el("p", { textContent: "Children: " }, ...children.map((c) => el("a", { href: "#task/" + c.id, textContent: c.id + " " }))));
          body.append(el("pre", { textContent: JSON.stringify(record, null, 2) }));
        }
        function table(headers, rows) {
          return el("div", { className: "scroll" }, el("table", {}, el("tr", {}, ...headers.map((h) => el("th", { textContent: h }))),
            ...rows.map((cells) => el("tr", {}, ...cells.map((c) => c instanceof Node ? el("td", {}, c) : el("td", { textContent: String(c) }))))));
        }
        async function loadOperate() {
          const data = await api("/console/api/overview");
          const body = $("operate-body");
          const create = el("form", {}, el("label", { htmlFor: "new-token-name", textContent: "New token name" }),
            el("input", { id: "new-token-name", required: true }), el("button", { type: "submit", textContent: "Create token" }),
            el("p", { id: "new-token", className: "note" }));
          create.onsubmit = async (event) => {
            event.preventDefault();
            const made = await api("/console/api/tokens", { name: $("new-token-name").value });
            await loadOperate(); $("new-token").textContent = "Token (shown once): " + made.token;
          };
          body.replaceChildren(
            el("h3", { textContent: "Queue" }),
            el("p", { textContent: "pending " + data.queue.pending + ", running " + data.queue.running + ", holding " + data.queue.holding +
              ", webhook backlog " + data.queue.webhook_backlog }),
            el("h3", { textContent: "Workers" }),
            el("p", { textContent: "This instance (" + data.workers.instance + ") runs " + data.workers.count + " workers; " +
              data.workers.running.length + " tasks are running on all instances." }),
            ...(data.workers.running.length ? [table(["Task", "Application", "Worker", "Progress", "Running", "Lease ends in"],
              data.workers.running.map((w) => [w.task_id.slice(0, 8), w.application, w.worker, w.progress + "%",
                w.running_seconds.toFixed(0) + " s", w.lease_seconds_left.toFixed(0) + " s"]))] : []),
            el("h3", { textContent: "Upstreams" }),
            el("p", { textContent: "Engine: " + data.engine.name + (data.engine.upstreams.length ? "" : " (no upstream engine runs)") }),
            ...(data.engine.upstreams.length ? [table(["Upstream", "Contract", "Health", "In flight", "Waiting", "Calls"], data.engine.upstreams.map((u) =>
              [u.name, u.kind, u.up ? "up" : "DOWN: " + (u.down_reason || ""), u.in_flight, u.waiting,
               Object.entries(u.calls).sort().map((e) => e.join(" ")).join(", ")]))] : []),
            el("h3", { textContent: "Applications" }),
            table(["Name", "Credits", "Spent", "Tasks", "Admin"], data.applications.map((a) =>
              [a.name, a.credits, a.credits_spent, Object.entries(a.tasks).map((e) => e.join(" ")).join(", "), a.administrator ? "yes" : ""])),
            el("h3", { textContent: "Tokens" }), create,
            table(["Name", "Application", "Scopes", "State", ""], data.tokens.map((t) => [t.name, t.application_id.slice(0, 8), t.scopes.join(","),
              t.revoked ? "revoked" : "active", t.revoked ? "" : el("button", { type: "button", textContent: "Revoke " + t.name,
                onclick: async () => {
                  try { await api("/console/api/tokens/" + t.id + "/revoke", {}); await loadOperate(); }
                  catch (e) { $("new-token").textContent = e.message; } } })])),
            el("h3", { textContent: "Webhook deliveries" }),
            table(["Task", "URL", "State", "Attempts", "Last error"], data.deliveries.map((d) => [d.task_id.slice(0, 8), d.url, d.state, d.attempts, d.last_error || ""])));
        }
        async function route() {
          const hash = location.hash.slice(1);
          $("task").hidden = !hash.startsWith("task/"); $("operate").hidden = hash !== "operate";
          try {
            if (hash.startsWith("task/")) await showTask(hash.slice(5));
            if (hash === "operate") await loadOperate();
          } catch (error) { $("imagine-error").textContent = error.message; }
        }
        async function signedIn() {
          $("sign-in").hidden = true; $("signed-in").hidden = false; $("sign-out").hidden = false; $("sections").hidden = false;
          try { await api("/console/api/overview"); $("operate-link").hidden = false; } catch (_) { $("operate-link").hidden = true; }
          await loadGallery(); await route();
        }
        document.addEventListener("DOMContentLoaded", () => {
          $("sign-in-form").onsubmit = async (event) => {
            event.preventDefault();
            sessionStorage.setItem("journeyman-token", $("token").value.trim());
            try { await api("/midjourney/tasks", { action: "retrieve_batch", limit: 1 }); $("token").value = ""; await signedIn(); }
            catch (error) { sessionStorage.removeItem("journeyman-token"); $("sign-in-error").textContent = error.message; }
          };
          $("sign-out").onclick = () => { sessionStorage.removeItem("journeyman-token"); location.hash = ""; location.reload(); };
          $("imagine-form").onsubmit = async (event) => {
            event.preventDefault(); $("imagine-error").textContent = "";
            const ar = $("ar").value; const prompt = $("prompt").value.trim() + (ar ? " --ar " + ar : "");
            try { await submit({ prompt, mode: $("mode").value }); } catch (error) { $("imagine-error").textContent = error.message; }
          };
          $("prompt").addEventListener("keydown", (event) => {
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); $("imagine-form").requestSubmit(); }
          });
          const describe = async (file) => {
            $("describe-error").textContent = "";
            try {
              const descriptions = file ? await describeFile(file) : (await api("/midjourney/describe", { image_url: $("image-url").value })).descriptions;
              $("descriptions").replaceChildren(...descriptions.map((text) => el("li", {}, el("span", { textContent: text + " " }),
                el("button", { type: "button", textContent: "Use", onclick: () => { $("prompt").value = text; $("prompt").focus(); } }))));
            } catch (error) { $("describe-error").textContent = error.message; }
          };
          const form = $("describe-form");
          form.onsubmit = (event) => { event.preventDefault(); describe($("image-file").files[0]); };
          form.addEventListener("dragover", (event) => { event.preventDefault(); form.classList.add("dropping"); });
          form.addEventListener("dragleave", () => form.classList.remove("dropping"));
          form.addEventListener("drop", (event) => {
            event.preventDefault(); form.classList.remove("dropping");
            const file = event.dataTransfer && event.dataTransfer.files[0];
            if (!file) { $("describe-error").textContent = "Drop an image file (PNG or JPEG)."; return; }
            describe(file);
          });
          setUpPainter();
          $("older").onclick = () => { offset += pageSize; loadGallery(); };
          $("newer").onclick = () => { offset = Math.max(0, offset - pageSize); loadGallery(); };
          window.addEventListener("hashchange", route);
          if (token()) signedIn();
        });
        """
}
