// JPEG decode over libjpeg(-turbo). Its fatal errors reach es_jpeg_error_exit, which keeps the message and
// longjmps back to es_jpeg_decode_rgb; nothing ever exits or prints.
#include "es_image.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr manager; // first, so libjpeg's pointer to it is also a pointer to this
    jmp_buf jump;
    char *err;
} es_jpeg_errors;

static void es_jpeg_error_exit(j_common_ptr cinfo) {
    es_jpeg_errors *errors = (es_jpeg_errors *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, text);
    const char *prefix = cinfo->err->msg_code == JWRN_JPEG_EOF ? "truncated: " : "";
    snprintf(errors->err, ES_IMAGE_ERROR_SIZE, "%s%s", prefix, text);
    longjmp(errors->jump, 1);
}

// level -1 is a warning about corrupt data. A file that ends early would decode to gray padding, so that
// one is an error; the other warnings (extraneous bytes and the like) are tolerated silently, as PIL does.
static void es_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) cinfo->err->error_exit(cinfo);
}

int es_jpeg_decode_rgb(const uint8_t *data, size_t size, uint64_t max_pixels, es_image *out, char err[ES_IMAGE_ERROR_SIZE]) {
    return es_jpeg_decode_rgb_scaled(data, size, 0, 0, max_pixels, out, err);
}

// The smallest of libjpeg's DCT scale factors n/8 (n = 1..8) that keeps both sides at least the minimum.
static unsigned scale_eighths(unsigned width, unsigned height, unsigned min_width, unsigned min_height) {
    for (unsigned n = 1; n < 8; n++) {
        if ((width * n + 7) / 8 >= min_width && (height * n + 7) / 8 >= min_height) return n;
    }
    return 8;
}

int es_jpeg_decode_rgb_scaled(const uint8_t *data, size_t size, unsigned min_width, unsigned min_height,
                              uint64_t max_pixels, es_image *out, char err[ES_IMAGE_ERROR_SIZE]) {
    memset(out, 0, sizeof *out);
    err[0] = 0;
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) {
        snprintf(err, ES_IMAGE_ERROR_SIZE, "not a JPEG file");
        return -1;
    }
    struct jpeg_decompress_struct cinfo;
    es_jpeg_errors errors;
    cinfo.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = es_jpeg_error_exit;
    errors.manager.emit_message = es_jpeg_emit_message;
    errors.err = err;
    cinfo.mem = NULL; // so jpeg_destroy_decompress is safe even if jpeg_create_decompress fails
    uint8_t *volatile pixels = NULL;
    if (setjmp(errors.jump)) {
        free(pixels);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    // Before jpeg_start_decompress, which already allocates a progressive file's whole coefficient buffer.
    if (es_image_check_size(cinfo.image_width, cinfo.image_height, max_pixels, err) != 0) longjmp(errors.jump, 1);
    cinfo.out_color_space = JCS_RGB; // gray, YCbCr and RGB all convert; CMYK is refused by libjpeg
    if (min_width > 0 && min_height > 0) {
        cinfo.scale_num = scale_eighths(cinfo.image_width, cinfo.image_height, min_width, min_height);
        cinfo.scale_denom = 8;
    }
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3) {
        snprintf(err, ES_IMAGE_ERROR_SIZE, "decoded to %d components, expected RGB", cinfo.output_components);
        longjmp(errors.jump, 1);
    }
    size_t stride = (size_t)cinfo.output_width * 3;
    pixels = (uint8_t *)malloc(stride * cinfo.output_height);
    if (pixels == NULL) {
        snprintf(err, ES_IMAGE_ERROR_SIZE, "out of memory for a %ux%u image", cinfo.output_width, cinfo.output_height);
        longjmp(errors.jump, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    out->width = (int)cinfo.output_width;
    out->height = (int)cinfo.output_height;
    out->channels = 3;
    out->pixels = pixels;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

// Marker codes (the byte after 0xFF).
enum { SOI = 0xD8, EOI = 0xD9, SOS = 0xDA, RST0 = 0xD0, RST7 = 0xD7, TEM = 0x01 };

// Where the next frame may start (FF D8 FF) after the first byte, as a (negative) count of bytes to skip; with
// none in sight, all but the last two bytes (they may begin one), or 0 (read more).
static long skip_to_next_start(const uint8_t *data, size_t size) {
    for (size_t i = 1; i + 2 < size; i++) {
        if (data[i] == 0xFF && data[i + 1] == SOI && data[i + 2] == 0xFF) return -(long)i;
    }
    return size > 2 ? -(long)(size - 2) : 0;
}

// Walks marker segments (their lengths) and entropy-coded data (0xFF 0x00 is a stuffed byte, RSTn are
// inside the scan), so an EOI inside an EXIF thumbnail or a length field cannot end the frame early. A frame
// found broken is skipped up to the next SOI after its first byte, wherever the walk got to: a frame cut inside
// its headers must not take the next frame with it.
long es_jpeg_frame_length(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    if (data[0] != 0xFF || data[1] != SOI) return skip_to_next_start(data, size);
    size_t i = 2;
    for (;;) {
        if (i + 2 > size) return 0;
        if (data[i] != 0xFF) return skip_to_next_start(data, size); // a marker was due here
        uint8_t marker = data[i + 1];
        if (marker == 0xFF) { i++; continue; } // fill byte
        if (marker == EOI) return (long)(i + 2);
        if (marker == SOI) return -(long)i; // a new frame began before this one ended
        if ((marker >= RST0 && marker <= RST7) || marker == TEM) { i += 2; continue; }
        if (i + 4 > size) return 0;
        size_t length = ((size_t)data[i + 2] << 8) | data[i + 3];
        if (length < 2) return skip_to_next_start(data, size);
        i += 2 + length;
        if (marker != SOS) continue;
        // entropy-coded data up to the next marker that is not a stuffed byte or a restart marker
        for (;;) {
            if (i + 2 > size) return 0;
            if (data[i] == 0xFF && data[i + 1] != 0x00 && data[i + 1] != 0xFF &&
                !(data[i + 1] >= RST0 && data[i + 1] <= RST7)) break;
            i += data[i] == 0xFF && data[i + 1] == 0xFF ? 1 : data[i] == 0xFF ? 2 : 1;
        }
    }
}
