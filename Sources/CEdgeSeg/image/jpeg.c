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
