import EdgeSegRuntime

/// The page `/` serves: the newest overlay, swapped in when the next one has loaded (no flicker), and the
/// stats under it, both refreshed twice a second.
func viewerPage(title: String) -> String {
    """
    <!doctype html>
    <html><head><meta charset="utf-8"><title>EdgeSeg camera</title>
    <style>
    body { margin: 0; background: #111; color: #ddd; font: 14px sans-serif; }
    header { padding: 8px 12px; }
    img { display: block; max-width: 100vw; max-height: 85vh; margin: 0 auto; image-rendering: pixelated; }
    #stats { padding: 8px 12px; font-family: monospace; white-space: pre-wrap; }
    </style></head>
    <body>
    <header>EdgeSeg camera: \(escapeHTML(title))</header>
    <img id="frame" src="/frame.png" alt="newest overlay (none segmented yet)">
    <div id="stats"></div>
    <script>
    const frame = document.getElementById('frame'), stats = document.getElementById('stats');
    function refresh() {
      const next = new Image();
      next.onload = () => { frame.src = next.src; };
      next.src = '/frame.png?t=' + Date.now();
      fetch('/stats.json', { cache: 'no-store' }).then(r => r.json()).then(s => {
        stats.textContent = `${s.frames_captured} captured, ${s.frames_segmented} segmented | ` +
          `capture ${s.capture_fps} fps, inference ${s.inference_fps} fps | ` +
          `latency p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms | ` +
          `drops ${s.drops.total} (newest-wins ${s.drops.newest_wins}, driver ${s.drops.driver}) | ` +
          `error buffers ${s.error_buffers}`;
      }).catch(() => { stats.textContent = 'camera stopped'; });
    }
    setInterval(refresh, 500);
    refresh();
    </script>
    </body></html>
    """
}
