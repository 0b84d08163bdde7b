import EdgeSegRuntime

/// The page `/` serves: the newest overlay (or, switched, the plain camera picture), swapped in when the next
/// one has loaded (no flicker); beside it the legend, each class's colour and name with its share of the newest
/// frame (`/frame.json`); under it the stats. Refreshed twice a second. `/#plain` opens with the plain picture.
func viewerPage(title: String, classNames: [String], palette: Palette) -> String {
    var legend = ""
    for (index, name) in classNames.enumerated() {
        let color = palette.color(of: index) ?? RGBColor(r: 0, g: 0, b: 0)
        legend += "<tr><td><span class=\"swatch\" style=\"background:\(cssColor(color))\"></span></td>"
            + "<td>\(escapeHTML(name))</td><td class=\"share\" id=\"share-\(index)\">–</td></tr>\n"
    }
    return """
    <!doctype html>
    <html><head><meta charset="utf-8"><title>EdgeSeg camera</title>
    <style>
    body { margin: 0; background: #111; color: #ddd; font: 14px sans-serif; }
    header { padding: 8px 12px; display: flex; gap: 16px; align-items: center; }
    main { display: flex; gap: 12px; align-items: flex-start; padding: 0 12px; }
    img { display: block; max-width: calc(100vw - 260px); max-height: 85vh; image-rendering: pixelated; }
    table { border-collapse: collapse; }
    td { padding: 1px 6px; }
    .swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #666; vertical-align: middle; }
    .share { text-align: right; font-family: monospace; }
    #stats { padding: 8px 12px; font-family: monospace; white-space: pre-wrap; }
    </style></head>
    <body>
    <header><span>EdgeSeg camera: \(escapeHTML(title))</span>
    <label><input type="checkbox" id="plain"> camera picture (no overlay)</label></header>
    <main>
    <img id="frame" src="/frame.png" alt="newest overlay (none segmented yet)">
    <table id="legend"><tr><th></th><th>class</th><th>share</th></tr>
    \(legend)</table>
    </main>
    <div id="stats"></div>
    <script>
    const frame = document.getElementById('frame'), stats = document.getElementById('stats');
    const plain = document.getElementById('plain'), shares = document.querySelectorAll('.share');
    function refresh() {
      const next = new Image();
      next.onload = () => { frame.src = next.src; };
      next.src = (plain.checked ? '/picture.png' : '/frame.png') + '?t=' + Date.now();
      fetch('/frame.json', { cache: 'no-store' }).then(r => r.ok ? r.json() : null).then(f => {
        if (!f) return;
        shares.forEach(cell => { cell.textContent = '0.0 %'; });
        for (const c of f.classes) {
          const cell = document.getElementById('share-' + c.index);
          if (cell) cell.textContent = (100 * c.share).toFixed(1) + ' %';
        }
      }).catch(() => {});
      fetch('/stats.json', { cache: 'no-store' }).then(r => r.json()).then(s => {
        stats.textContent = `${s.frames_captured} captured, ${s.frames_segmented} segmented | ` +
          `capture ${s.capture_fps} fps, inference ${s.inference_fps} fps | ` +
          `latency p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms | ` +
          `drops ${s.drops.total} (newest-wins ${s.drops.newest_wins}, driver ${s.drops.driver}) | ` +
          `error buffers ${s.error_buffers}`;
      }).catch(() => { stats.textContent = 'camera stopped'; });
    }
    plain.checked = location.hash === '#plain';   // the switch is kept in the address: a view can be bookmarked
    plain.onchange = () => { history.replaceState(null, '', plain.checked ? '#plain' : '#'); refresh(); };
    setInterval(refresh, 500);
    refresh();
    </script>
    </body></html>
    """
}

/// "#rrggbb".
private func cssColor(_ c: RGBColor) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
    var text = "#"
    for byte in [c.r, c.g, c.b] {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 15)])
    }
    return text
}
