#include "es_frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "es_camera.h"
#include "es_image.h"

static uint8_t clamp255(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

// BT.601 limited range, 8-bit fixed point (the coefficients x 256).
static void yuv_to_rgb(int y, int u, int v, uint8_t *out) {
    int c = 298 * (y - 16), d = u - 128, e = v - 128;
    out[0] = clamp255((c + 409 * e + 128) >> 8);
    out[1] = clamp255((c - 100 * d - 208 * e + 128) >> 8);
    out[2] = clamp255((c + 516 * d + 128) >> 8);
}

static int too_short(char *err, const char *format, size_t size, size_t needed) {
    snprintf(err, 256, "%s frame has %zu bytes, its size needs %zu", format, size, needed);
    return -1;
}

static int yuyv(const uint8_t *data, size_t size, uint32_t w, uint32_t h, uint32_t stride, uint8_t *rgb, char *err) {
    if (stride == 0) stride = 2 * w;
    size_t needed = (size_t)stride * (h - 1) + 2 * (size_t)w;
    if (size < needed) return too_short(err, "YUYV", size, needed);
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = data + (size_t)y * stride;
        uint8_t *out = rgb + (size_t)y * w * 3;
        for (uint32_t x = 0; x < w; x++) {
            const uint8_t *pair = row + (x & ~1u) * 2;   // Y0 U Y1 V covers two pixels
            yuv_to_rgb(pair[(x & 1) * 2], pair[1], pair[3], out + 3 * x);
        }
    }
    return 0;
}

static int nv12(const uint8_t *data, size_t size, uint32_t w, uint32_t h, uint32_t stride, uint8_t *rgb, char *err) {
    if (stride == 0) stride = w;
    size_t luma = (size_t)stride * h;
    size_t needed = luma + (size_t)stride * ((h + 1) / 2);
    if (size < needed) return too_short(err, "NV12", size, needed);
    const uint8_t *chroma = data + luma;   // interleaved U V at half resolution both ways
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *yrow = data + (size_t)y * stride;
        const uint8_t *uv = chroma + (size_t)(y / 2) * stride;
        uint8_t *out = rgb + (size_t)y * w * 3;
        for (uint32_t x = 0; x < w; x++) yuv_to_rgb(yrow[x], uv[x & ~1u], uv[(x & ~1u) + 1], out + 3 * x);
    }
    return 0;
}

static int packed24(const uint8_t *data, size_t size, uint32_t w, uint32_t h, uint32_t stride, int bgr,
                    uint8_t *rgb, char *err) {
    if (stride == 0) stride = 3 * w;
    size_t needed = (size_t)stride * (h - 1) + 3 * (size_t)w;
    if (size < needed) return too_short(err, bgr ? "BGR24" : "RGB24", size, needed);
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = data + (size_t)y * stride;
        uint8_t *out = rgb + (size_t)y * w * 3;
        if (!bgr) { memcpy(out, row, 3 * (size_t)w); continue; }
        for (uint32_t x = 0; x < w; x++) {
            out[3 * x] = row[3 * x + 2];
            out[3 * x + 1] = row[3 * x + 1];
            out[3 * x + 2] = row[3 * x];
        }
    }
    return 0;
}

static int mjpeg(const uint8_t *data, size_t size, uint32_t w, uint32_t h, uint8_t *rgb, char *err) {
    es_image image;
    if (es_jpeg_decode_rgb(data, size, (uint64_t)w * h, &image, err) != 0) return -1;  // a frame claiming more is refused unread
    int rc = 0;
    if ((uint32_t)image.width != w || (uint32_t)image.height != h) {
        snprintf(err, 256, "MJPEG frame is %dx%d, the format says %ux%u", image.width, image.height, w, h);
        rc = -1;
    } else {
        memcpy(rgb, image.pixels, (size_t)w * h * 3);
    }
    es_image_free(image.pixels);
    return rc;
}

int es_frame_to_rgb(uint32_t fourcc, const uint8_t *data, size_t size, uint32_t width, uint32_t height,
                    uint32_t bytes_per_line, int swap_rb, uint8_t *rgb, char err[256]) {
    err[0] = 0;
    if (width == 0 || height == 0) {
        snprintf(err, 256, "empty frame (%ux%u)", width, height);
        return -1;
    }
    int rc;
    switch (fourcc) {
    case ES_FOURCC_YUYV: rc = yuyv(data, size, width, height, bytes_per_line, rgb, err); break;
    case ES_FOURCC_NV12: rc = nv12(data, size, width, height, bytes_per_line, rgb, err); break;
    case ES_FOURCC_RGB24: rc = packed24(data, size, width, height, bytes_per_line, 0, rgb, err); break;
    case ES_FOURCC_BGR24: rc = packed24(data, size, width, height, bytes_per_line, 1, rgb, err); break;
    case ES_FOURCC_MJPEG: rc = mjpeg(data, size, width, height, rgb, err); break;
    default:
        snprintf(err, 256, "pixel format %c%c%c%c cannot be converted to RGB", (char)(fourcc & 0xff),
                 (char)((fourcc >> 8) & 0xff), (char)((fourcc >> 16) & 0xff), (char)((fourcc >> 24) & 0x7f));
        return -1;
    }
    if (rc == 0 && swap_rb) {
        for (size_t i = 0; i < (size_t)width * height; i++) {
            uint8_t r = rgb[3 * i];
            rgb[3 * i] = rgb[3 * i + 2];
            rgb[3 * i + 2] = r;
        }
    }
    return rc;
}
