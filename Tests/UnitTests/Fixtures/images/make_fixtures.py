#!/usr/bin/env python3
"""Writes the tiny image fixtures of ImageTests, each with the answer a decoder must give.

PNGs are built here byte by byte (zlib only, no imaging library), so the expected pixels do not come from the
decoder under test. For each NAME.png:
  NAME.rgb     the 8-bit RGB a decoder must produce (16-bit samples rounded: v * 255 / 65535, alpha dropped)
  NAME.values  for single-channel files: the raw label values (gray value or palette index, not rescaled)
JPEGs come from cjpeg (Debian's libjpeg-turbo-progs) fed jpeg-source.ppm; being lossy, they are compared
to jpeg-source.rgb with a tolerance.

Run from anywhere: python3 make_fixtures.py
"""
import os
import struct
import subprocess
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 7, 5  # odd, so rows of 1, 2 and 4-bit samples end mid-byte and every Adam7 pass is partial

GRAY, RGB, PALETTE, GRAY_ALPHA, RGBA = 0, 2, 3, 4, 6
CHANNELS = {GRAY: 1, RGB: 3, PALETTE: 1, GRAY_ALPHA: 2, RGBA: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def sample(x, y, c, depth):
    """A sample that varies with x, y and channel and uses the whole range of the bit depth."""
    return (x * 9973 + y * 31337 + c * 12345 + x * y * 4099) % (1 << depth)


def palette_colour(i):
    return ((i * 37 + 11) % 256, (i * 91 + 7) % 256, (255 - i * 13) % 256)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(values, depth):
    if depth == 16:
        return b"".join(struct.pack(">H", v) for v in values)
    if depth == 8:
        return bytes(values)
    per_byte = 8 // depth
    out = bytearray()
    for i in range(0, len(values), per_byte):
        byte = 0
        for j, v in enumerate(values[i:i + per_byte]):
            byte |= v << (8 - depth * (j + 1))
        out.append(byte)
    return bytes(out)


def png(samples, colour_type, depth, interlaced=False, palette=None, trns=None):
    """samples[y][x] is the list of a pixel's channel samples."""
    def scanlines(xs, ys):
        return b"".join(b"\0" + pack_row([v for x in xs for v in samples[y][x]], depth) for y in ys)

    if interlaced:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            xs, ys = range(x0, W, dx), range(y0, H, dy)
            if len(xs) and len(ys):
                raw += scanlines(xs, ys)
    else:
        raw = scanlines(range(W), range(H))
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, depth, colour_type, 0, 0, 1 if interlaced else 0))
    if palette is not None:
        out += chunk(b"PLTE", b"".join(bytes(c) for c in palette))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    out += chunk(b"IDAT", zlib.compress(raw, 9))
    return out + chunk(b"IEND", b"")


def to8(v, depth):
    if depth == 16:
        return (v * 255 + 32767) // 65535
    return v * 255 // ((1 << depth) - 1)  # 1, 2 and 4-bit gray scale by bit replication: exact multiples


def write(name, colour_type, depth, interlaced=False, trns=None):
    n = CHANNELS[colour_type]
    samples = [[[sample(x, y, c, depth) for c in range(n)] for x in range(W)] for y in range(H)]
    palette = None
    if colour_type == PALETTE:
        palette = [palette_colour(i) for i in range(1 << depth)]
    if colour_type == PALETTE and trns == "alpha":
        trns = bytes((i * 50) % 256 for i in range(len(palette)))  # per-entry alpha, dropped on decode
    elif trns == "key":  # a colour key: the first pixel's value becomes transparent, and is still decoded as is
        trns = b"".join(struct.pack(">H", v) for v in samples[0][0])
    with open(os.path.join(HERE, name + ".png"), "wb") as f:
        f.write(png(samples, colour_type, depth, interlaced, palette, trns))

    rgb = bytearray()
    for row in samples:
        for px in row:
            if colour_type == PALETTE:
                rgb += bytes(palette[px[0]])
            elif colour_type in (GRAY, GRAY_ALPHA):
                rgb += bytes([to8(px[0], depth)] * 3)
            else:
                rgb += bytes(to8(v, depth) for v in px[:3])
    with open(os.path.join(HERE, name + ".rgb"), "wb") as f:
        f.write(rgb)
    if colour_type in (GRAY, GRAY_ALPHA, PALETTE) and depth <= 8:
        with open(os.path.join(HERE, name + ".values"), "wb") as f:
            f.write(bytes(px[0] for row in samples for px in row))


def jpegs():
    w, h = 16, 16
    # Smooth, so that a good-quality JPEG stays within a few levels of it.
    pixels = bytes(v for y in range(h) for x in range(w) for v in (x * 15, y * 15, 128 + (x - y) * 4))
    source = os.path.join(HERE, "jpeg-source.ppm")
    with open(source, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + pixels)
    with open(os.path.join(HERE, "jpeg-source.rgb"), "wb") as f:
        f.write(pixels)
    for name, flags in [("baseline", []), ("progressive", ["-progressive"]), ("gray", ["-grayscale"])]:
        out = os.path.join(HERE, "jpeg-%s.jpg" % name)
        subprocess.run(["cjpeg", "-quality", "95", *flags, "-outfile", out, source], check=True)
    os.remove(source)


if __name__ == "__main__":
    for depth in (1, 2, 4, 8, 16):
        write("gray%d" % depth, GRAY, depth)
    for depth in (8, 16):
        write("gray-alpha%d" % depth, GRAY_ALPHA, depth)
        write("rgb%d" % depth, RGB, depth)
        write("rgba%d" % depth, RGBA, depth)
    for depth in (1, 2, 4, 8):
        write("palette%d" % depth, PALETTE, depth)
    write("palette8-trns", PALETTE, 8, trns="alpha")
    write("gray8-trns", GRAY, 8, trns="key")
    write("rgb8-trns", RGB, 8, trns="key")
    write("gray4-interlaced", GRAY, 4, interlaced=True)
    write("palette2-interlaced", PALETTE, 2, interlaced=True)
    write("rgb8-interlaced", RGB, 8, interlaced=True)
    write("rgba16-interlaced", RGBA, 16, interlaced=True)
    jpegs()
